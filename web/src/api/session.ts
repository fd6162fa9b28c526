/** The web UI's login, over `/halflife/session`. */
import { request, setCsrfToken } from "./client.js";

export interface SessionInfo {
  user: { id: string; email: string };
  org: { id: string; name: string };
  role: { name: string; perm_site_admin: boolean; perm_decaying: boolean; perm_sighting: boolean; [permission: string]: unknown };
  csrf_token: string | null;
  expires_at: number | null;
}

/** Who is logged in, or null when nobody is. */
export async function currentSession(): Promise<SessionInfo | null> {
  try {
    const session = await request<SessionInfo>("GET", "/halflife/session", undefined, { quietAuth: true });
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if ((error as { status?: number }).status === 403) return null;
    throw error;
  }
}

export async function logIn(key: string): Promise<SessionInfo> {
  const session = await request<SessionInfo>("POST", "/halflife/session", { key: key.trim() }, { quietAuth: true });
  setCsrfToken(session.csrf_token);
  return session;
}

export async function logOut(): Promise<void> {
  try {
    await request("DELETE", "/halflife/session", undefined, { quietAuth: true });
  } finally {
    setCsrfToken(null);
  }
}

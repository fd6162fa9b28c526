/**
 * The one way the UI talks to the server: JSON over fetch, with the session cookie, and the
 * session's CSRF token on every change. Every failure becomes an ApiError with a sentence a person
 * can read, taken from MISP's `{name, message, url}` error body when there is one.
 */

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The input field the server named, when it named one ("parameters.lifetime"). */
    readonly field?: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
const logoutListeners = new Set<() => void>();

/** Remembers the session's CSRF token (from the login or "who am I" answer). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session has ended, so the app can show the login page. */
export function onLoggedOut(listener: () => void): () => void {
  logoutListeners.add(listener);
  return () => logoutListeners.delete(listener);
}

const SAFE = new Set(["GET", "HEAD"]);

function messageOf(status: number, body: unknown, fallback: string): { message: string; field?: string } {
  if (body !== null && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const errors = record.errors;
    let field: string | undefined;
    if (errors !== null && typeof errors === "object" && !Array.isArray(errors)) field = Object.keys(errors)[0];
    let text = typeof record.message === "string" ? record.message : typeof record.name === "string" ? record.name : undefined;
    // The bare "Not Found" of an unknown route says too little to act on.
    if (status === 404 && text === "Not Found") text = `This server does not offer ${typeof record.url === "string" ? record.url : "this"} (HTTP 404).`;
    if (text) return field === undefined ? { message: text } : { message: text, field };
    if (Array.isArray(errors) && typeof errors[0] === "string") return { message: errors[0] };
  }
  if (status === 0) return { message: "The server could not be reached. Is Halflife running?" };
  if (status >= 500) return { message: `The server failed to answer (HTTP ${status}). Try again, or see the server log.` };
  return { message: fallback };
}

export interface RequestOptions {
  /** A body sent as is (FormData, a Blob); otherwise `body` is sent as JSON. */
  raw?: BodyInit;
  /** Do not report a 403 as a possible end of session (the login and session checks themselves). */
  quietAuth?: boolean;
}

/** Calls the API; resolves with the parsed JSON answer (or the text, when it is not JSON). */
export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (!SAFE.has(method) && csrfToken) headers["X-Halflife-CSRF"] = csrfToken;
  let payload: BodyInit | undefined = options.raw;
  if (payload === undefined && body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload ?? null, credentials: "same-origin" });
  } catch {
    throw new ApiError(messageOf(0, null, "").message, 0);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch {
    // Not JSON (a CSV export, say): the text is the answer.
  }
  if (!response.ok) {
    const { message, field } = messageOf(response.status, parsed, `The request failed (HTTP ${response.status}).`);
    if (response.status === 403 && !options.quietAuth) void checkStillLoggedIn();
    throw new ApiError(message, response.status, field);
  }
  return parsed as T;
}

/** A 403 means either "not allowed" or "no longer logged in"; asking who we are tells them apart. */
async function checkStillLoggedIn(): Promise<void> {
  try {
    await request("GET", "/halflife/session", undefined, { quietAuth: true });
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) for (const listener of logoutListeners) listener();
  }
}

export const get = <T>(path: string) => request<T>("GET", path);
export const post = <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {});

/** A readable sentence for any error, for places that show one. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.field && !error.message.includes(error.field) ? `${error.field}: ${error.message}` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

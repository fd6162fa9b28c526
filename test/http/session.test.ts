// The web UI's login: a session cookie that acts as the key that opened it, CSRF protection on
// every change made with it, expiry and logout. Real HTTP on a loopback port, a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieSessions, CSRF_HEADER, sessionRoutes, SESSION_COOKIE } from "../../src/http/session.js";
import { startTestServer, ADMIN_KEY, eventBody, type TestServer } from "../support/server.js";

const TTL = 3600;

describe("web UI sessions", () => {
  let server: TestServer;
  let userKey: string;

  beforeAll(async () => {
    server = await startTestServer({
      deps: (context) => ({
        sessions: cookieSessions(context),
        extraRoutes: (table) => sessionRoutes(table, context, { ttlSeconds: TTL }),
      }),
    });
    userKey = (await server.addUser({ org: "Analysts", role: "User" })).key;
  });
  afterAll(() => server?.close());

  async function login(key: string): Promise<{ cookie: string; csrf: string; setCookie: string }> {
    const answer = await server.call("POST", "/halflife/session", { key }, { key: null });
    expect(answer.status).toBe(201);
    const setCookie = answer.headers.get("set-cookie") ?? "";
    const token = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
    expect(token).toBeDefined();
    return { cookie: `${SESSION_COOKIE}=${token}`, csrf: answer.json.csrf_token, setCookie };
  }

  const withCookie = (session: { cookie: string }, extra: Record<string, string> = {}) => ({ key: null, headers: { Cookie: session.cookie, ...extra } });

  it("logs in with an API key and sets an httpOnly, SameSite=Strict cookie", async () => {
    const session = await login(ADMIN_KEY);
    expect(session.setCookie).toMatch(/HttpOnly/i);
    expect(session.setCookie).toMatch(/SameSite=Strict/i);
    expect(session.setCookie).toMatch(/Path=\//);
    expect(session.setCookie).toMatch(new RegExp(`Max-Age=${TTL}`));
    expect(session.csrf).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it("answers who is logged in, with the same user, organisation and role as the key", async () => {
    const session = await login(userKey);
    const me = await server.call("GET", "/halflife/session", undefined, withCookie(session));
    expect(me.status).toBe(200);
    expect(me.json.user.email).toMatch(/@example\.test$/);
    expect(me.json.org.name).toBe("Analysts");
    expect(me.json.role.perm_site_admin).toBe(false);
    expect(me.json.csrf_token).toBe(session.csrf);
    const viaKey = await server.call("GET", "/users/view/me", undefined, { key: userKey });
    const viaCookie = await server.call("GET", "/users/view/me", undefined, withCookie(session));
    expect(viaCookie.json).toEqual(viaKey.json);
  });

  it("refuses a wrong key with MISP's 403 and sets no cookie", async () => {
    const answer = await server.call("POST", "/halflife/session", { key: "X".repeat(40) }, { key: null });
    expect(answer.status).toBe(403);
    expect(answer.json.message).toMatch(/Authentication failed/);
    expect(answer.headers.get("set-cookie")).toBeNull();
  });

  it("accepts a login only as JSON, so that another site's form cannot log a visitor in", async () => {
    const answer = await server.call("POST", "/halflife/session", undefined, {
      key: null,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      raw: `key=${ADMIN_KEY}`,
    });
    expect(answer.status).toBe(415);
    expect(answer.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a change made with the cookie but without the CSRF token", async () => {
    const session = await login(ADMIN_KEY);
    const missing = await server.call("POST", "/events/add", eventBody({ info: "no token" }), withCookie(session));
    expect(missing.status).toBe(403);
    expect(missing.json.message).toMatch(/CSRF/);
    const wrong = await server.call("POST", "/events/add", eventBody({ info: "wrong token" }), withCookie(session, { [CSRF_HEADER]: "x".repeat(43) }));
    expect(wrong.status).toBe(403);
    const index = await server.call("GET", "/events/index", undefined, withCookie(session));
    expect(index.json.map((e: { info: string }) => e.info)).not.toContain("no token");
  });

  it("accepts a change made with the cookie and the session's CSRF token", async () => {
    const session = await login(ADMIN_KEY);
    const added = await server.call("POST", "/events/add", eventBody({ info: "with token" }), withCookie(session, { [CSRF_HEADER]: session.csrf }));
    expect(added.status).toBe(200);
    expect(added.json.Event.info).toBe("with token");
  });

  it("does not accept one session's CSRF token for another session", async () => {
    const first = await login(ADMIN_KEY);
    const second = await login(ADMIN_KEY);
    expect(first.csrf).not.toBe(second.csrf);
    const answer = await server.call("POST", "/events/add", eventBody(), withCookie(first, { [CSRF_HEADER]: second.csrf }));
    expect(answer.status).toBe(403);
  });

  it("asks nothing more of API-key requests", async () => {
    const added = await server.call("POST", "/events/add", eventBody({ info: "by key" }));
    expect(added.status).toBe(200);
  });

  it("gives a session exactly the permissions of its key", async () => {
    const session = await login(userKey);
    const answer = await server.call("POST", "/halflife/orgs", { name: "Not allowed" }, withCookie(session, { [CSRF_HEADER]: session.csrf }));
    expect(answer.status).toBe(403);
    expect(answer.json.message).not.toMatch(/CSRF/);
  });

  it("logs out: the session cookie opens nothing afterwards", async () => {
    const session = await login(userKey);
    const refused = await server.call("DELETE", "/halflife/session", undefined, withCookie(session));
    expect(refused.status).toBe(403);
    const out = await server.call("DELETE", "/halflife/session", undefined, withCookie(session, { [CSRF_HEADER]: session.csrf }));
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`));
    const after = await server.call("GET", "/halflife/session", undefined, withCookie(session));
    expect(after.status).toBe(403);
    expect(after.json.message).toMatch(/session has ended/);
  });

  it("ends the browser's previous session when it logs in again", async () => {
    const first = await login(userKey);
    const again = await server.call("POST", "/halflife/session", { key: userKey }, { key: null, headers: { Cookie: first.cookie } });
    expect(again.status).toBe(201);
    expect((await server.call("GET", "/halflife/session", undefined, withCookie(first))).status).toBe(403);
  });

  it("ends a session when it expires", async () => {
    const session = await login(userKey);
    const started = server.now();
    try {
      server.setNow(started + TTL - 1);
      expect((await server.call("GET", "/halflife/session", undefined, withCookie(session))).status).toBe(200);
      server.setNow(started + TTL);
      expect((await server.call("GET", "/halflife/session", undefined, withCookie(session))).status).toBe(403);
    } finally {
      server.setNow(started);
    }
  });

  it("ends a session when the key that opened it is revoked", async () => {
    const user = await server.addUser({ org: "Analysts", role: "User" });
    const session = await login(user.key);
    const keys = await server.call("GET", `/halflife/users/${user.principal.user.id}/keys`);
    await server.call("POST", `/halflife/keys/${keys.json[0].id}/revoke`);
    expect((await server.call("GET", "/halflife/session", undefined, withCookie(session))).status).toBe(403);
  });

  it("treats a forged or malformed cookie as no login", async () => {
    const forged = await server.call("GET", "/users/view/me", undefined, withCookie({ cookie: `${SESSION_COOKIE}=${"A".repeat(43)}` }));
    expect(forged.status).toBe(403);
    const garbage = await server.call("GET", "/users/view/me", undefined, withCookie({ cookie: `${SESSION_COOKIE}=%00;;` }));
    expect(garbage.status).toBe(403);
  });
});

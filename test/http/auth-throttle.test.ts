// Failed authentication is logged with its source address and throttled per address (issue 9,
// item 16), over real HTTP on loopback: 429 with Retry-After and MISP's error JSON once an address
// has failed too often, for keys and for the UI's login alike; successes never count.
import { afterEach, describe, expect, it } from "vitest";
import { cookieSessions, sessionRoutes } from "../../src/http/session.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../support/server.js";

const WRONG = "W".repeat(40);

interface Logged {
  details: Record<string, unknown>;
  message: string;
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(options: { maxFailures?: number; trustProxy?: boolean } = {}) {
  const logged: Logged[] = [];
  const server = await startTestServer({
    deps: (context) => ({
      authThrottle: { maxFailures: options.maxFailures ?? 5, windowSeconds: 60, trustProxy: options.trustProxy ?? false },
      log: { error: () => {}, info: () => {}, warn: (details, message) => logged.push({ details, message }) },
      sessions: cookieSessions(context),
      extraRoutes: (table) => sessionRoutes(table, context, { ttlSeconds: 3600 }),
    }),
  });
  servers.push(server);
  return { server, logged };
}

describe("failed authentication", () => {
  it("is logged with the source address, the route and the reason, never the key", async () => {
    const { server, logged } = await start();
    const answer = await server.call("GET", "/users/view/me", undefined, { key: WRONG });
    expect(answer.status).toBe(403);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.message).toBe("authentication failed");
    expect(logged[0]!.details).toMatchObject({ address: expect.stringMatching(/127\.0\.0\.1$/), method: "GET", url: "/users/view/me", failures: 1 });
    expect(JSON.stringify(logged)).not.toContain(WRONG);
  });

  it("answers 429 with Retry-After once an address has failed too often, even to a valid key, until the window ends", async () => {
    const { server } = await start({ maxFailures: 5 });
    for (let i = 0; i < 5; i++) expect((await server.call("GET", "/users/view/me", undefined, { key: WRONG })).status).toBe(403);
    const blocked = await server.call("GET", "/users/view/me", undefined, { key: WRONG });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBe(60);
    expect(blocked.json).toEqual({
      name: "Too many failed authentication attempts from this address; try again in 60 seconds.",
      message: "Too many failed authentication attempts from this address; try again in 60 seconds.",
      url: "/users/view/me",
    });
    // A guess that happens to be right is refused too: nothing is checked while the address waits.
    expect((await server.call("GET", "/users/view/me")).status).toBe(429);
    // Requests without credentials are not refused.
    expect((await server.call("GET", "/halflife/health", undefined, { key: null })).status).toBe(200);
    server.setNow(server.now() + 45);
    expect(Number((await server.call("GET", "/users/view/me")).headers.get("retry-after"))).toBe(15);
    server.setNow(server.now() + 15);
    expect((await server.call("GET", "/users/view/me")).status).toBe(200);
  });

  it("counts failed UI logins, and refuses logins from a blocked address", async () => {
    const { server, logged } = await start({ maxFailures: 3 });
    const login = (key: string) => server.call("POST", "/halflife/session", { key }, { key: null });
    for (let i = 0; i < 3; i++) expect((await login(WRONG)).status).toBe(403);
    expect(logged.map((l) => l.details.url)).toEqual(["/halflife/session", "/halflife/session", "/halflife/session"]);
    const blocked = await login(ADMIN_KEY);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("60");
  });

  it("never counts successful requests", async () => {
    const { server } = await start({ maxFailures: 3 });
    for (let i = 0; i < 50; i++) expect((await server.call("GET", "/servers/getVersion")).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await server.call("GET", "/users/view/me", undefined, { key: WRONG })).status).toBe(403);
    expect((await server.call("GET", "/servers/getVersion")).status).toBe(200);
  });

  it("keeps addresses apart behind a trusted proxy, and ignores X-Forwarded-For otherwise", async () => {
    const proxied = await start({ maxFailures: 2, trustProxy: true });
    const from = (address: string, key: string) => proxied.server.call("GET", "/users/view/me", undefined, { key, headers: { "X-Forwarded-For": `198.51.100.1, ${address}` } });
    await from("203.0.113.1", WRONG);
    await from("203.0.113.1", WRONG);
    expect((await from("203.0.113.1", ADMIN_KEY)).status).toBe(429);
    expect((await from("203.0.113.2", ADMIN_KEY)).status).toBe(200);
    expect(proxied.logged[0]!.details.address).toBe("203.0.113.1");

    const direct = await start({ maxFailures: 2, trustProxy: false });
    const spoofed = (address: string, key: string) => direct.server.call("GET", "/users/view/me", undefined, { key, headers: { "X-Forwarded-For": address } });
    await spoofed("203.0.113.1", WRONG);
    await spoofed("203.0.113.2", WRONG);
    // Changing the header does not escape the block: the socket's address is what counts.
    expect((await spoofed("203.0.113.3", ADMIN_KEY)).status).toBe(429);
  });

  it("is still logged when throttling is off", async () => {
    const { server, logged } = await start({ maxFailures: 0 });
    for (let i = 0; i < 20; i++) expect((await server.call("GET", "/users/view/me", undefined, { key: WRONG })).status).toBe(403);
    expect(logged).toHaveLength(20);
  });
});

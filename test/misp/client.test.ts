// The MISP client against real HTTP servers on loopback that answer like MISP does.
import { createServer, type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { isHalflifeError } from "../../src/core/errors.js";
import { MispClient, MispClientError, type MispClientOptions } from "../../src/misp/client.js";
import { mispError, sendJson, startHttpServer, type Handler, type TestHttpServer } from "../support/http-server.js";
import { selfSignedCertificate } from "../support/self-signed-cert.js";

const KEY = "k3yK3yk3yK3yk3yK3yk3yK3yk3yK3yk3yK3yk3yK";
const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((thing) => thing.close()));
});

async function server(handler: Handler, options: Parameters<typeof startHttpServer>[1] = {}): Promise<TestHttpServer> {
  const started = await startHttpServer(handler, options);
  open.push(started);
  return started;
}

function client(baseUrl: string, options: Partial<MispClientOptions> = {}): MispClient {
  const made = new MispClient({ baseUrl, key: KEY, timeoutMs: 2_000, retries: 2, retryBaseMs: 5, retryMaxMs: 20, ...options });
  open.push(made);
  return made;
}

async function failure(run: () => Promise<unknown>): Promise<MispClientError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof MispClientError) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

const VERSION = { version: "2.5.1", pymisp_recommended_version: "2.5.1", perm_sync: false, perm_sighting: true };
const ATTRIBUTE = { id: "1", event_id: "1", uuid: "7f59c42d-7ee6-4134-8306-87245f7c89f4", type: "domain", category: "Network activity", value: "bad.example", to_ids: true };

describe("MISP REST client: calls", () => {
  it("sends the raw key and JSON headers, and reads the version", async () => {
    const misp = await server((_request, response) => sendJson(response, 200, VERSION));
    const version = await client(misp.url, { userAgent: "halflife-test" }).getVersion();
    expect(version.version).toBe("2.5.1");
    const [request] = misp.requests;
    expect(request?.method).toBe("GET");
    expect(request?.path).toBe("/servers/getVersion");
    expect(request?.headers.authorization).toBe(KEY);
    expect(request?.headers.accept).toBe("application/json");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["user-agent"]).toBe("halflife-test");
  });

  it.each([
    ["", "/servers/getVersion"],
    ["/", "/servers/getVersion"],
    ["/misp", "/misp/servers/getVersion"],
    ["/misp/", "/misp/servers/getVersion"],
    ["/misp//", "/misp/servers/getVersion"],
  ])("serves paths under the base URL %j, with or without a trailing slash", async (suffix, path) => {
    const misp = await server((_request, response) => sendJson(response, 200, VERSION));
    await client(misp.url + suffix).getVersion();
    expect(misp.requests[0]?.path).toBe(path);
  });

  it("reads who the key belongs to", async () => {
    const me = { User: { id: "1", email: "admin@admin.test" }, Role: { id: "1", perm_publish: true }, UserSetting: [], Organisation: { id: "1", name: "ORGNAME" } };
    const misp = await server((_request, response) => sendJson(response, 200, me));
    expect(await client(misp.url).whoAmI()).toEqual(me);
    expect(misp.requests[0]?.path).toBe("/users/view/me");
  });

  it("searches attributes with a JSON body and returns response.Attribute", async () => {
    const misp = await server((_request, response) => sendJson(response, 200, { response: { Attribute: [ATTRIBUTE] } }));
    const attributes = await client(misp.url).restSearchAttributes({ to_ids: 1, includeSightings: 1 });
    expect(attributes).toEqual([ATTRIBUTE]);
    expect(misp.requests[0]).toMatchObject({ method: "POST", path: "/attributes/restSearch", json: { returnFormat: "json", to_ids: 1, includeSightings: 1 } });
  });

  it("reads an empty search in both of MISP's shapes", async () => {
    let shape: unknown = { response: { Attribute: [] } };
    const misp = await server((_request, response) => sendJson(response, 200, shape));
    const misp2 = client(misp.url);
    expect(await misp2.restSearchAttributes()).toEqual([]);
    shape = { response: [] };
    expect(await misp2.restSearchAttributes()).toEqual([]);
  });

  it("unwraps an event", async () => {
    const misp = await server((_request, response) => sendJson(response, 200, { Event: { id: "12", uuid: "u", info: "Phishing wave", Attribute: [ATTRIBUTE] } }));
    const event = await client(misp.url).getEvent(12);
    expect(event.info).toBe("Phishing wave");
    expect(misp.requests[0]?.path).toBe("/events/view/12");
  });

  it("edits an attribute by uuid with a flat body and returns the saved attribute", async () => {
    const misp = await server((request, response) => sendJson(response, 200, { Attribute: { ...ATTRIBUTE, ...(request.json as object) } }));
    const saved = await client(misp.url).editAttribute(ATTRIBUTE.uuid, { to_ids: 0 });
    expect(saved.to_ids).toBe(0);
    expect(misp.requests[0]).toMatchObject({ method: "POST", path: `/attributes/edit/${ATTRIBUTE.uuid}`, json: { to_ids: 0 } });
  });

  it("publishes without alert by default, with an empty body, and alerts only when asked", async () => {
    const misp = await server((request, response) =>
      sendJson(response, 200, { saved: true, success: true, name: "Event published without alerts", message: "Event published without alerts", url: request.path, id: "1" }),
    );
    const api = client(misp.url);
    expect((await api.publishEvent("1")).saved).toBe(true);
    await api.publishEvent(1, { alert: true });
    expect(misp.requests.map((request) => `${request.method} ${request.path} ${request.body.length}`)).toEqual([
      "POST /events/publish/1 0",
      "POST /events/alert/1 0",
    ]);
  });

  it("adds a sighting to an attribute, and fails clearly when MISP adds none", async () => {
    const misp = await server((request, response) =>
      request.path.endsWith("/1")
        ? sendJson(response, 200, { Sighting: { id: "5", attribute_id: "1", type: "1", date_sighting: "1795290750" } })
        : sendJson(response, 200, { message: "Could not add the Sighting. Reason: No valid attributes found that match the criteria." }),
    );
    const api = client(misp.url);
    expect((await api.addSighting({ type: 1, timestamp: 1_795_290_750 }, 1)).id).toBe("5");
    expect(misp.requests[0]).toMatchObject({ path: "/sightings/add/1", json: { type: 1, timestamp: 1_795_290_750 } });
    const error = await failure(() => api.addSighting({ value: "nothing.example" }));
    expect(error.code).toBe("UPSTREAM");
    expect(error.status).toBe(200);
    expect(error.misp?.message).toMatch(/^Could not add the Sighting/);
  });

  it("adds and deletes an event", async () => {
    const misp = await server((request, response) =>
      request.path === "/events/add"
        ? sendJson(response, 200, { Event: { id: "7", uuid: "u7", info: (request.json as { info: string }).info } })
        : sendJson(response, 200, { saved: true, success: true, name: "Event deleted.", message: "Event deleted.", url: request.path, id: "7" }),
    );
    const api = client(misp.url);
    const { event, errors } = await api.addEvent({ info: "capture event", Attribute: [{ type: "domain", value: "evil.example" }] });
    expect(event.id).toBe("7");
    expect(errors).toBeUndefined();
    expect((await api.deleteEvent(event.id)).saved).toBe(true);
    expect(misp.requests.map((request) => request.path)).toEqual(["/events/add", "/events/delete/7"]);
  });

  it("sends any call through request, ids encoded as one path segment", async () => {
    const misp = await server((_request, response) => sendJson(response, 200, [{ DecayingModel: { id: "1" } }]));
    expect(await client(misp.url).request("GET", "/decayingModel/index")).toEqual([{ DecayingModel: { id: "1" } }]);
    await failure(() => client(misp.url).getEvent("../users/view/me"));
    expect(misp.requests.map((request) => request.path)).toEqual(["/decayingModel/index", "/events/view/..%2Fusers%2Fview%2Fme"]);
  });

  it("keeps connections alive across calls instead of opening one per call", async () => {
    const misp = await server((_request, response) => sendJson(response, 200, VERSION));
    const api = client(misp.url);
    for (let i = 0; i < 10; i++) await api.getVersion();
    // The pool may open a second socket while the first is still being released; never ten.
    expect(misp.connections()).toBeLessThanOrEqual(2);
  });

  it("opens no more connections than allowed, however many calls run at once", async () => {
    const misp = await server((_request, response) => {
      setTimeout(() => sendJson(response, 200, VERSION), 20);
    });
    const api = client(misp.url, { connections: 3 });
    await Promise.all(Array.from({ length: 12 }, () => api.getVersion()));
    expect(misp.connections()).toBeLessThanOrEqual(3);
  });
});

describe("MISP REST client: errors", () => {
  it("turns MISP's 404 into a typed NOT_FOUND error with the status and MISP's body, without retrying", async () => {
    const misp = await server((request, response) => mispError(response, 404, "Invalid event", request.path));
    const error = await failure(() => client(misp.url).getEvent(987654321));
    expect(isHalflifeError(error, "NOT_FOUND")).toBe(true);
    expect(error.status).toBe(404);
    expect(error.misp).toEqual({ name: "Invalid event", message: "Invalid event", url: "/events/view/987654321" });
    expect(error.call).toBe("GET events/view/987654321");
    expect(error.message).toBe(`MISP ${misp.url}/: GET events/view/987654321 failed: HTTP 404 Invalid event`);
    expect(misp.requests).toHaveLength(1);
  });

  it.each([
    [400, "INVALID_INPUT"],
    [401, "UNAUTHENTICATED"],
    [403, "FORBIDDEN"],
    [405, "FORBIDDEN"],
    [409, "CONFLICT"],
    [418, "UPSTREAM"],
  ])("maps HTTP %i to %s", async (status, code) => {
    const misp = await server((request, response) => mispError(response, status, "No.", request.path));
    const error = await failure(() => client(misp.url).publishEvent(1));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it("never puts the key in a message, even when the server echoes it", async () => {
    const misp = await server((request, response) => mispError(response, 403, `Authentication failed for key ${request.headers.authorization}`, request.path));
    const error = await failure(() => client(misp.url).whoAmI());
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).not.toContain(KEY);
    expect(error.message).toContain("Authentication failed for key ***");
  });

  it("says so when a 200 is not JSON", async () => {
    const misp = await server((_request, response) => {
      response.writeHead(200, { "Content-Type": "text/html" });
      response.end("<html>login</html>");
    });
    const error = await failure(() => client(misp.url).getVersion());
    expect(error.code).toBe("UPSTREAM");
    expect(error.message).toContain("answered HTTP 200 with something that is not JSON");
  });

  it("does not follow a redirect, and says where it pointed", async () => {
    const misp = await server((_request, response) => {
      response.writeHead(302, { Location: "https://misp.example.org/users/login" });
      response.end();
    });
    const error = await failure(() => client(misp.url).getVersion());
    expect(error.code).toBe("UPSTREAM");
    expect(error.status).toBe(302);
    expect(error.message).toContain("HTTP 302 redirect to https://misp.example.org/users/login");
  });

  it("refuses a base URL it cannot use, without repeating the key", () => {
    for (const [baseUrl, key, field] of [
      ["misp.example.org", KEY, "baseUrl"],
      ["ftp://misp.example.org", KEY, "baseUrl"],
      ["https://admin:pw@misp.example.org", KEY, "baseUrl"],
      ["https://misp.example.org/?a=1", KEY, "baseUrl"],
      ["https://misp.example.org", "", "key"],
      ["https://misp.example.org", `${KEY}\r\nX-Evil: 1`, "key"],
    ] as const) {
      try {
        new MispClient({ baseUrl, key });
        expect.unreachable();
      } catch (error) {
        expect(isHalflifeError(error, "INVALID_INPUT")).toBe(true);
        expect((error as { field: string }).field).toBe(field);
        expect((error as Error).message).not.toContain(KEY);
      }
    }
  });
});

describe("MISP REST client: retries and time limits", () => {
  it("retries a 503 and succeeds", async () => {
    let calls = 0;
    const misp = await server((request, response) => (++calls === 1 ? mispError(response, 503, "Service Unavailable", request.path) : sendJson(response, 200, VERSION)));
    expect((await client(misp.url).getVersion()).version).toBe("2.5.1");
    expect(misp.requests).toHaveLength(2);
  });

  it("retries a search (read-only) and an edit (idempotent) too", async () => {
    let calls = 0;
    const misp = await server((request, response) =>
      ++calls % 2 === 1
        ? mispError(response, 502, "Bad Gateway", request.path)
        : sendJson(response, 200, request.path.startsWith("/attributes/edit") ? { Attribute: ATTRIBUTE } : { response: { Attribute: [] } }),
    );
    const api = client(misp.url);
    await api.restSearchAttributes({ to_ids: 1 });
    await api.editAttribute(1, { to_ids: 0 });
    expect(misp.requests.map((request) => request.path)).toEqual(["/attributes/restSearch", "/attributes/restSearch", "/attributes/edit/1", "/attributes/edit/1"]);
  });

  it("gives up after the configured retries with one UPSTREAM line", async () => {
    const misp = await server((request, response) => mispError(response, 503, "Service Unavailable", request.path));
    const error = await failure(() => client(misp.url, { retries: 3 }).getVersion());
    expect(error.code).toBe("UPSTREAM");
    expect(error.attempts).toBe(4);
    expect(error.status).toBe(503);
    expect(error.message).toBe(`MISP ${misp.url}/: GET servers/getVersion failed after 4 attempts: HTTP 503 Service Unavailable`);
    expect(misp.requests).toHaveLength(4);
  });

  it("does not retry a call that is not safe to repeat", async () => {
    const misp = await server((request, response) => mispError(response, 500, "Internal error", request.path));
    const api = client(misp.url);
    expect((await failure(() => api.addSighting({ type: 1 }, 1))).attempts).toBe(1);
    expect((await failure(() => api.publishEvent(1, { alert: true }))).attempts).toBe(1);
    expect((await failure(() => api.addEvent({ info: "x" }))).attempts).toBe(1);
    expect(misp.requests).toHaveLength(3);
  });

  it("honours Retry-After up to the longest back-off", async () => {
    let calls = 0;
    const misp = await server((request, response) =>
      ++calls === 1 ? sendJson(response, 429, { name: "Too many", message: "Too many", url: request.path }, { "Retry-After": "1" }) : sendJson(response, 200, VERSION),
    );
    const started = Date.now();
    await client(misp.url, { retryBaseMs: 1, retryMaxMs: 150 }).getVersion();
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1_000);
  });

  it("times out a server that never answers, retries, then fails with UPSTREAM", async () => {
    const misp = await server(() => {}); // reads the request, never answers
    const started = Date.now();
    const error = await failure(() => client(misp.url, { timeoutMs: 150, retries: 1 }).getVersion());
    const elapsed = Date.now() - started;
    expect(error.code).toBe("UPSTREAM");
    expect(error.status).toBeNull();
    expect(error.attempts).toBe(2);
    expect(error.message).toBe(`MISP ${misp.url}/: GET servers/getVersion failed after 2 attempts: no answer within 150 ms`);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect(misp.requests).toHaveLength(2);
  });

  it("times out a body that stalls after the headers", async () => {
    const misp = await server((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write('{"version": ');
    });
    const error = await failure(() => client(misp.url, { timeoutMs: 150, retries: 0 }).getVersion());
    expect(error.message).toContain("no answer within 150 ms");
  });

  it("retries a refused connection even for a call that is not idempotent: it never reached MISP", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const started = Date.now();
    const error = await failure(() => client(`http://127.0.0.1:${port}`, { retries: 2 }).addEvent({ info: "x" }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.code).toBe("UPSTREAM");
    expect(error.attempts).toBe(3);
    expect(error.message).toBe(`MISP http://127.0.0.1:${port}/: POST events/add failed after 3 attempts: connection refused (ECONNREFUSED)`);
  });
});

describe("MISP REST client over HTTPS", () => {
  it("talks to a server with a self-signed certificate when insecure, and refuses it otherwise", async () => {
    const misp = await server((_request, response) => sendJson(response, 200, VERSION), { tls: selfSignedCertificate() });
    expect(misp.url.startsWith("https://")).toBe(true);
    expect((await client(misp.url, { insecure: true }).getVersion()).version).toBe("2.5.1");

    const error = await failure(() => client(misp.url).getVersion());
    expect(error.code).toBe("UPSTREAM");
    expect(error.attempts).toBe(1); // a certificate does not get better by asking again
    expect(error.message).toContain("the server's TLS certificate was refused (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(misp.requests).toHaveLength(1);
  });
});

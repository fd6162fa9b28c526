// Halflife's own routes: health, the OpenAPI document and Prometheus metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

describe("Halflife's own routes", () => {
  let api: InProcessApp;

  beforeAll(async () => {
    api = await startInProcess();
  });
  afterAll(async () => {
    await api?.close();
  });

  it("reports health without a key, with the database's name", async () => {
    const health = await api.call("GET", "/halflife/health", undefined, { key: null });
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: "ok", version: "test", database: "sqlite", time: api.now() });
    expect(typeof health.json.database_ms).toBe("number");
  });

  it("documents every route of the route table in the OpenAPI document", async () => {
    const answer = await api.call("GET", "/halflife/openapi.json", undefined, { key: null });
    expect(answer.status, answer.text.slice(0, 200)).toBe(200);
    const document = answer.json;
    expect(document.openapi).toMatch(/^3\.1/);
    for (const route of api.table.routes) {
      // Hono's /x/:id? is documented as /x and /x/{id}.
      const documented = route.path.replace(/\/:([A-Za-z_]+)\?.*$/, "").replace(/:([A-Za-z_]+)/g, "{$1}");
      expect(document.paths, route.path).toHaveProperty([documented]);
      for (const method of route.methods) expect(document.paths[documented], `${method} ${route.path}`).toHaveProperty(method.toLowerCase());
    }
    expect(document.paths["/events/view/{id}"].get.security).not.toEqual([]);
    expect(document.paths["/halflife/health"].get.security).toEqual([]);
  });

  it("serves Prometheus metrics whose request counters move", async () => {
    const counter = async () => {
      const metrics = await api.call("GET", "/metrics", undefined, { key: null });
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get("content-type")).toContain("text/plain");
      const line = metrics.text.split("\n").find((l) => l.startsWith('halflife_http_requests_total{method="GET",route="/users/view/me",status="200"}'));
      return line ? Number(line.split(" ").at(-1)) : 0;
    };
    const before = await counter();
    await api.call("GET", "/users/view/me");
    await api.call("GET", "/users/view/me");
    expect(await counter()).toBe(before + 2);
    const text = (await api.call("GET", "/metrics", undefined, { key: null })).text;
    expect(text).toContain("# TYPE halflife_http_request_duration_seconds histogram");
    expect(text).toContain("halflife_process_cpu_user_seconds_total");
  });

  it("counts unknown paths as unmatched and answers them with MISP's 404", async () => {
    const answer = await api.call("GET", "/no/such/route");
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ name: "Not Found", message: "Not Found", url: "/no/such/route" });
    const metrics = (await api.call("GET", "/metrics", undefined, { key: null })).text;
    expect(metrics).toMatch(/halflife_http_requests_total\{method="GET",route="unmatched",status="404"\} \d+/);
  });
});

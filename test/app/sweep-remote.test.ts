// The sweep against a remote server over real HTTP on loopback: a second Halflife plays the MISP,
// behind a recording proxy that can also fail chosen calls or stop answering. The local server
// records the runs. Each test starts from fresh servers with the same events, so that any order works.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/app/run-sweep.js";
import { undoSweep } from "../../src/app/undo-sweep.js";
import { DEFAULT_SWEEP_RULE } from "../../src/core/sweep-rule.js";
import { mispError, sendJson, startHttpServer, type RecordedRequest, type TestHttpServer } from "../support/http-server.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../support/server.js";
import { addSweepEvent, attributeNow, eventNow, type CreatedEvent } from "../support/sweep-fixtures.js";

const T0 = 1_767_225_600;

/** What the proxy does with a request before (or instead of) forwarding it. */
type Interceptor = (request: RecordedRequest) => "forward" | "refuse" | "hang up";

async function recordingProxy(target: string, intercept: { current: Interceptor }): Promise<TestHttpServer> {
  return startHttpServer(async (request, response) => {
    const verdict = intercept.current(request);
    if (verdict === "hang up") {
      response.destroy();
      return;
    }
    if (verdict === "refuse") {
      mispError(response, 403, "Could not save the attribute.", request.path);
      return;
    }
    const answer = await fetch(target + request.path, {
      method: request.method,
      headers: { Authorization: String(request.headers.authorization ?? ""), "Content-Type": "application/json", Accept: "application/json" },
      ...(request.body === "" ? {} : { body: request.body }),
    });
    sendJson(response, answer.status, JSON.parse((await answer.text()) || "{}"));
  });
}

describe("the sweep of a remote MISP", () => {
  let local: TestServer;
  let remote: TestServer;
  let proxy: TestHttpServer;
  const intercept: { current: Interceptor } = { current: () => "forward" };
  let phishing: CreatedEvent;
  let scanners: CreatedEvent;
  let many: CreatedEvent;

  beforeEach(async () => {
    intercept.current = () => "forward";
    local = await startTestServer({ now: T0 });
    remote = await startTestServer({ now: T0 });
    proxy = await recordingProxy(remote.url, intercept);
    phishing = await addSweepEvent(remote, "Phishing wave", [
      { value: "fp-only.example", fp: [T0 - 50, T0 - 40] },
      { value: "half.example", tp: [T0 - 30], fp: [T0 - 20] },
      { value: "mostly-true.example", tp: [T0 - 30, T0 - 20, T0 - 10], fp: [T0 - 5] },
      { value: "expired.example", expiration: [T0 - 30] },
    ]);
    scanners = await addSweepEvent(remote, "Scanner noise", [
      { value: "192.0.2.10", type: "ip-src", tp: [T0 - 900], fp: [T0 - 800, T0 - 700] },
      { value: "192.0.2.11", type: "ip-src", fp: [T0 - 100] },
    ]);
    // Seven attributes to pull and a page size of two: paging while flags change would skip some.
    many = await addSweepEvent(
      remote,
      "Many noisy indicators",
      Array.from({ length: 7 }, (_, i) => ({ value: `noisy${i}.example`, fp: [T0 - 10] })),
    );
  });
  afterEach(async () => {
    await proxy?.close();
    await remote?.close();
    await local?.close();
  });

  const misp = (overrides: Record<string, unknown> = {}) => ({ url: proxy.url, key: ADMIN_KEY, retries: 0, pageSize: 2, concurrency: 2, ...overrides });
  const values = (report: Awaited<ReturnType<typeof runSweep>>) => report.events.flatMap((e) => e.attributes.map((a) => a.value)).sort();

  it("decides exactly as the remote server's own local sweep does", async () => {
    const own = await runSweep(remote.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli" });
    const overHttp = await runSweep(local.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli", misp: misp() });
    expect(overHttp.failures).toEqual([]);
    expect(values(overHttp)).toEqual(values(own));
    expect(overHttp.totals).toEqual(own.totals);
    expect(overHttp.target).toEqual({ kind: "misp", url: `${proxy.url}/` });
    expect(proxy.requests.every((r) => r.method === "GET" || r.path === "/attributes/restSearch")).toBe(true);
  });

  /** A sweep in which the second edit of the phishing event is refused, at T0 + 50. */
  const sweepWithARefusal = () => {
    intercept.current = (request) => (request.path === `/attributes/edit/${phishing.uuids["half.example"]}` ? "refuse" : "forward");
    remote.setNow(T0 + 50);
    return runSweep(local.context, null, { rule: DEFAULT_SWEEP_RULE, origin: "cli", misp: misp({ concurrency: 1 }) });
  };

  it("leaves a failing event as it was, reverting its edits, and applies the others", async () => {
    // The second edit in the phishing event is refused: its first edit must be put back.
    const report = await sweepWithARefusal();
    expect(report.failures).toEqual([expect.objectContaining({ stage: "edit", eventId: String(phishing.id), code: "FORBIDDEN" })]);
    expect(report.events.map((e) => e.id)).toEqual([String(scanners.id), String(many.id)]);
    expect((await attributeNow(remote, phishing.ids["fp-only.example"]!)).to_ids).toBe(true);
    expect((await eventNow(remote, phishing.id)).published).toBe(true);
    // Each changed event was published exactly once, after its edits.
    const publishes = proxy.requests.filter((r) => r.path.startsWith("/events/publish/")).map((r) => r.path);
    expect(publishes.sort()).toEqual([`/events/publish/${phishing.id}`, `/events/publish/${many.id}`, `/events/publish/${scanners.id}`].sort());
    for (let i = 0; i < 7; i++) expect((await attributeNow(remote, many.ids[`noisy${i}.example`]!)).to_ids).toBe(false);
    expect((await eventNow(remote, many.id)).publish_timestamp).toBe(T0 + 50);
  });

  it("records remote changes locally, so that undo restores them on the remote server", async () => {
    const swept = await sweepWithARefusal();
    intercept.current = () => "forward";
    const run = await local.context.store.sweeps.runById(Number(swept.runId));
    const changes = await local.context.store.sweeps.changes(run!.id);
    expect(changes).toHaveLength(9);
    expect(changes.every((c) => c.stamped === T0 + 50 && c.republished && c.eventOrgId === null)).toBe(true);

    remote.setNow(T0 + 60);
    const report = await undoSweep(local.context, null, { runId: run!.id, origin: "cli", misp: { key: ADMIN_KEY, retries: 0 } });
    expect(report.failures).toEqual([]);
    expect(report.totals).toEqual({ attributesRestored: 9, attributesSkipped: 0, eventsRepublished: 2 });
    expect((await attributeNow(remote, scanners.ids["192.0.2.11"]!)).to_ids).toBe(true);
    expect((await eventNow(remote, scanners.id)).publish_timestamp).toBe(T0 + 60);
  });

  it("fails clearly, changing nothing, when the MISP cannot be reached", async () => {
    const closed = await startHttpServer(() => {});
    const url = closed.url;
    await closed.close();
    const report = await runSweep(local.context, null, { rule: DEFAULT_SWEEP_RULE, origin: "cli", misp: misp({ url }) });
    expect(report.failures).toEqual([expect.objectContaining({ stage: "connect", code: "UPSTREAM", message: expect.stringContaining("connection refused") })]);
    expect(report.events).toEqual([]);
    const run = await local.context.store.sweeps.runById(Number(report.runId));
    expect(run).toMatchObject({ status: "failed", attributesChanged: 0 });
    expect(await local.context.store.sweeps.changes(run!.id)).toEqual([]);
  });

  it("stops starting events once the MISP stops answering, and leaves no event half-changed", async () => {
    // The first event goes through; then the server hangs up on everything.
    let published = 0;
    intercept.current = (request) => {
      if (published > 0) return "hang up";
      if (request.path.startsWith("/events/publish/")) published++;
      return "forward";
    };
    remote.setNow(T0 + 70);
    const report = await runSweep(local.context, null, { rule: DEFAULT_SWEEP_RULE, origin: "cli", misp: misp({ concurrency: 1 }) });
    expect(report.events.map((e) => [e.id, e.republished])).toEqual([[String(phishing.id), true]]);
    expect(report.failures.map((f) => f.stage)).toEqual(["view", "apply"]);
    expect(report.failures[1]!.message).toContain("1 event was not started");
    expect((await attributeNow(remote, scanners.ids["192.0.2.10"]!)).to_ids).toBe(true);
    expect((await attributeNow(remote, many.ids["noisy0.example"]!)).to_ids).toBe(true);
  });
});

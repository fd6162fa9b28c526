// /halflife/sweeps over real HTTP: the shapes the web UI relies on, and who may do what, with two
// organisations (each with an org admin) and the site admin. Each test starts from a fresh server with
// the same users and events, so that any order works.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";
import { addSweepEvent, attributeNow, type CreatedEvent } from "../support/sweep-fixtures.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp-server.js";

const T0 = 1_767_225_600;

describe("the /halflife/sweeps routes", () => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let adminA: string;
  let adminB: string;
  let orgB: number;
  let userA: string;
  let eventA: CreatedEvent;
  let eventB: CreatedEvent;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  beforeEach(async () => {
    server = await startTestServer({
      now: T0,
      env: { HALFLIFE_SMTP_URL: `smtp://127.0.0.1:${smtp.port}?starttls=ignored`, HALFLIFE_SWEEP_MAIL_FROM: "halflife@example.org", HALFLIFE_SWEEP_MAIL_TO: "soc@example.org" },
    });
    adminA = (await server.addUser({ org: "Org A", role: "Org Admin" })).key;
    const b = await server.addUser({ org: "Org B", role: "Org Admin" });
    adminB = b.key;
    orgB = b.principal.org.id;
    userA = (await server.addUser({ org: "Org A", role: "Publisher" })).key;
    eventA = await addSweepEvent(server, "Org A's noisy event", [{ value: "a-noisy.example", fp: [T0 - 10] }, { value: "a-fine.example", tp: [T0 - 10] }], adminA);
    eventB = await addSweepEvent(server, "Org B's noisy event", [{ value: "b-noisy.example", fp: [T0 - 10] }], adminB);
  });
  afterEach(async () => {
    await server?.close();
  });
  afterAll(async () => {
    await smtp?.close();
  });

  it("refuses users who are neither site admin nor organisation admin, and callers without a key", async () => {
    for (const [method, path] of [["GET", "/halflife/sweeps"], ["POST", "/halflife/sweeps/dry-run"], ["POST", "/halflife/sweeps"], ["GET", "/halflife/sweeps/1"]] as const) {
      const body = method === "GET" ? undefined : {};
      expect((await server.call(method, path, body, { key: userA })).status).toBe(403);
      expect((await server.call(method, path, body, { key: null })).status).toBe(403);
    }
  });

  it("gives an organisation admin a dry run of their own organisation's events only", async () => {
    const answer = await server.call("POST", "/halflife/sweeps/dry-run", {}, { key: adminA });
    expect(answer.status).toBe(200);
    expect(answer.json.run).toMatchObject({ kind: "sweep", dryRun: true, status: "done", origin: "api", orgScopeId: expect.any(Number) });
    expect(answer.json.report.events.map((e: any) => e.info)).toEqual(["Org A's noisy event"]);
    expect(answer.json.report.totals).toEqual({ attributesChecked: 2, attributesDisabled: 1, eventsRepublished: 0 });
  });

  it("refuses a malformed body with 400 naming the field", async () => {
    const answer = await server.call("POST", "/halflife/sweeps", { threshold: 50 });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toHaveProperty("threshold");
    expect((await server.call("POST", "/halflife/sweeps", { minimalDateSighting: "yesterday" })).status).toBe(400);
    expect((await server.call("POST", "/halflife/sweeps", { eventIds: [1], bogus: true })).status).toBe(400);
  });

  it("runs a site-wide sweep for the site admin, mails the report, and shows each organisation only its part", async () => {
    expect((await server.call("POST", "/halflife/sweeps/dry-run", {}, { key: adminA })).status).toBe(200);
    server.setNow(T0 + 100);
    const started = await server.call("POST", "/halflife/sweeps", { mail: true });
    expect(started.status).toBe(201);
    expect(started.json.mailed).toBe(true);
    expect(started.json.report.events.map((e: any) => e.info)).toEqual(["Org A's noisy event", "Org B's noisy event"]);
    const runId = started.json.run.id;
    const mail = await smtp.nextMail();
    expect(mail.parsed.subject).toContain(`Halflife sweep ${runId}`);
    expect(mail.parsed.text).toContain(`halflife sweep undo ${runId}`);

    const seenByA = await server.call("GET", `/halflife/sweeps/${runId}`, undefined, { key: adminA });
    expect(seenByA.status).toBe(200);
    expect(seenByA.json.report.events.map((e: any) => e.info)).toEqual(["Org A's noisy event"]);
    expect(seenByA.json.run.attributesChanged).toBe(1);
    const listedForB = await server.call("GET", "/halflife/sweeps", undefined, { key: adminB });
    expect(listedForB.json.find((run: any) => run.id === runId)).toMatchObject({ attributesChanged: 1, eventsRepublished: 1 });
    // Org A's dry run is not in org B's list: only the instance's runs and org B's own.
    expect(listedForB.json.every((run: any) => run.orgScopeId === null || run.orgScopeId === orgB)).toBe(true);
    expect((await server.call("GET", "/halflife/sweeps", undefined, { key: adminA })).json.some((run: any) => run.orgScopeId !== null)).toBe(true);
    const all = await server.call("GET", "/halflife/sweeps?limit=1");
    expect(all.json.map((run: any) => run.id)).toEqual([runId]);
  });

  it("lets an organisation admin undo only their own organisation's part of a run", async () => {
    server.setNow(T0 + 100);
    const latest = (await server.call("POST", "/halflife/sweeps", {})).json.run;
    server.setNow(T0 + 200);
    const undone = await server.call("POST", `/halflife/sweeps/${latest.id}/undo`, {}, { key: adminB });
    expect(undone.status).toBe(201);
    expect(undone.json.report.events.map((e: any) => e.info)).toEqual(["Org B's noisy event"]);
    expect((await attributeNow(server, eventB.ids["b-noisy.example"]!)).to_ids).toBe(true);
    expect((await attributeNow(server, eventA.ids["a-noisy.example"]!)).to_ids).toBe(false);
    // The site admin's full undo then finds org B's flag on already.
    const full = await server.call("POST", `/halflife/sweeps/${latest.id}/undo`, {});
    expect(full.status).toBe(201);
    expect(full.json.report.totals).toEqual({ attributesRestored: 1, attributesSkipped: 1, eventsRepublished: 1 });
    expect((await server.call("POST", `/halflife/sweeps/${latest.id}/undo`, {})).status).toBe(409);
  });

  it("hides another organisation's runs, and answers 404 for unknown ones", async () => {
    const mine = await server.call("POST", "/halflife/sweeps/dry-run", {}, { key: adminB });
    expect((await server.call("GET", `/halflife/sweeps/${mine.json.run.id}`, undefined, { key: adminA })).status).toBe(404);
    expect((await server.call("GET", "/halflife/sweeps/999999")).status).toBe(404);
    expect((await server.call("GET", "/halflife/sweeps/abc")).status).toBe(400);
  });

  it("documents every sweep route in the OpenAPI document", async () => {
    const { json } = await server.call("GET", "/halflife/openapi.json");
    expect(Object.keys(json.paths)).toEqual(expect.arrayContaining(["/halflife/sweeps", "/halflife/sweeps/dry-run", "/halflife/sweeps/{id}", "/halflife/sweeps/{id}/undo"]));
    expect(json.paths["/halflife/sweeps"].post.requestBody.content["application/json"].schema.properties).toHaveProperty("minimalFp");
  });
});

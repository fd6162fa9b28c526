/**
 * /halflife/sweeps: the false-positive sweep over HTTP (the web UI's sweep page uses these).
 * Site admins see and run everything; organisation admins sweep, see and undo only their own
 * organisation's events. Everything else gets 403. Sweeps started here run on the local store.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { Principal } from "../../core/domain.js";
import { runSweep } from "../../app/run-sweep.js";
import { mailSweepReport, sweepMailOptions } from "../../app/sweep-mail.js";
import { listSweepRuns, showSweepRun } from "../../app/sweep-runs.js";
import { DEFAULT_SWEEP_SETTINGS } from "../../app/sweep-settings.js";
import { undoSweep } from "../../app/undo-sweep.js";
import { HalflifeError, invalidInput } from "../../core/errors.js";
import { parseSightingCutoff, validateSweepRule } from "../../core/sweep-rule.js";
import { isObject } from "../../misp/parse.js";
import { jsonBody, urlParameters } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { pathParam } from "./helpers.js";

const startBody = z.strictObject({
  minimalFp: z.number().int().optional().describe("false positives must be more than this (default: HALFLIFE_SWEEP_MINIMAL_FP, 0)"),
  threshold: z.number().min(0).max(1).optional().describe("FP / (TP + FP) must be at least this (default: HALFLIFE_SWEEP_THRESHOLD, 0.5)"),
  minimalDateSighting: z.string().optional().describe('count sightings after "YYYY-MM-DD HH:MM:SS" UTC'),
  maxPerOrg: z.number().int().min(0).optional().describe("count at most this many true and this many false positives per organisation; 0 counts all (default: HALFLIFE_SWEEP_MAX_PER_ORG, 0)"),
  minOrgs: z.number().int().min(1).optional().describe("the false positives must come from at least this many organisations (default: HALFLIFE_SWEEP_MIN_ORGS, 1)"),
  eventIds: z.array(z.number().int().min(1)).optional().describe("only these events"),
  types: z.array(z.string().min(1)).optional().describe("only these attribute types"),
  dryRun: z.boolean().optional().describe("decide and report, change nothing"),
  wait: z.boolean().optional().describe("wait for a running sweep instead of answering 409"),
  mail: z.boolean().optional().describe("mail the report with the configured SMTP settings (HALFLIFE_SMTP_URL, HALFLIFE_SWEEP_MAIL_TO); site admins only"),
  mailAlways: z.boolean().optional().describe("mail even an all-clear report; site admins only"),
});

const RUN_SHAPE =
  "run = { id, kind: sweep|undo, target: {kind: local|misp, url?, label?}, dryRun, status: running|done|failed|interrupted, origin: cli|schedule|api, " +
  "userId, orgScopeId, parameters: {rule: {minimalFp, threshold, cutoff, maxPerOrg?, minOrgs?, notAfter?}, scope: {eventIds?, types?, orgId?}}, startedAt, finishedAt, " +
  "attributesChecked, attributesChanged, eventsRepublished, failures: [{stage, eventId?, attributeId?, code, message}], skipped, undoOf, undoneBy }";
const SWEEP_REPORT =
  "report = { runId, target, startedAt, finishedAt, dryRun, rule, events: [{id, uuid, info, republished, attributes: [{id, uuid, type, value, tp, fp, ratio, reason}]}], " +
  "totals: {attributesChecked, attributesDisabled, eventsRepublished}, failures }";
const UNDO_REPORT =
  "report = { runId, undoneRunId, target, startedAt, finishedAt, events: [{id, uuid, info, republished, attributes: [{id, uuid, type, value}]}], " +
  "skipped: [{eventId, attributeId, uuid, type, value, why}], totals: {attributesRestored, attributesSkipped, eventsRepublished}, failures }";

function runId(text: string): number {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw invalidInput("id", "must be a sweep run id");
  return Number(text);
}

export function sweepRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;

  async function start(c: Context, principal: Principal, forceDryRun: boolean) {
    const raw = await jsonBody(c);
    if (!isObject(raw)) throw invalidInput("body", "must be a JSON object");
    const parsed = startBody.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw invalidInput(issue.path.join(".") || "body", issue.message);
    }
    const body = parsed.data;
    const settings = context.settings.sweep ?? DEFAULT_SWEEP_SETTINGS;
    const rule = validateSweepRule({
      minimalFp: body.minimalFp ?? settings.rule.minimalFp,
      threshold: body.threshold ?? settings.rule.threshold,
      cutoff: body.minimalDateSighting === undefined ? settings.rule.cutoff : parseSightingCutoff(body.minimalDateSighting),
      maxPerOrg: body.maxPerOrg ?? settings.rule.maxPerOrg,
      minOrgs: body.minOrgs ?? settings.rule.minOrgs,
    });
    // The report goes to the instance's recipients: only a site admin may send them mail, or any
    // organisation admin could mail them at will with dry runs.
    if ((body.mail || body.mailAlways) && !principal.role.perm_site_admin) {
      throw new HalflifeError("FORBIDDEN", "Only site admins may have the server mail sweep reports.", { field: "mail" });
    }
    const mail = body.mail || body.mailAlways ? sweepMailOptions(settings) : undefined;
    const report = await runSweep(context, principal, {
      rule,
      scope: { ...(body.eventIds ? { eventIds: body.eventIds } : {}), ...(body.types ? { types: body.types } : {}) },
      dryRun: forceDryRun || body.dryRun === true,
      origin: "api",
      wait: body.wait === true,
    });
    let mailed: boolean | string = false;
    if (mail) {
      try {
        mailed = (await mailSweepReport(mail, report, body.mailAlways === true)) !== null;
      } catch (error) {
        mailed = error instanceof Error ? error.message : String(error);
      }
    }
    const { run } = await showSweepRun(context, principal, Number(report.runId));
    return c.json({ run: run, report, ...(mail ? { mailed } : {}) }, forceDryRun ? 200 : 201);
  }

  table
    .add({
      methods: ["GET"],
      path: "/halflife/sweeps",
      group: "sweeps",
      summary:
        "Sweep runs, newest first (query: limit 1–1000, default 50; before = a run id, for the next page). Site admins see every run; " +
        "organisation admins see their organisation's runs and the instance's local runs, counted over their own events only.",
      response: `[run], where ${RUN_SHAPE}`,
      handler: async (c, principal) => {
        const query = urlParameters(c);
        const limit = query.limit === undefined ? undefined : Number(query.limit);
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1_000)) throw invalidInput("limit", "must be 1 to 1000");
        const runs = await listSweepRuns(context, principal, { ...(limit ? { limit } : {}), ...(query.before ? { beforeId: runId(query.before) } : {}) });
        return c.json(runs);
      },
    })
    .add({
      methods: ["POST"],
      path: "/halflife/sweeps",
      group: "sweeps",
      summary:
        "Run a sweep on the local store now, and answer when it is done (201). An organisation admin's sweep covers their organisation's events. " +
        "409 while another sweep runs (unless wait). Body: { minimalFp?, threshold?, minimalDateSighting?, maxPerOrg?, minOrgs?, eventIds?, types?, dryRun?, wait?, mail?, mailAlways? }.",
      body: startBody,
      response: `{ run, report, mailed? }, where ${RUN_SHAPE}; ${SWEEP_REPORT}; mailed is true, false (nothing worth a mail) or the mail error`,
      handler: (c, principal) => start(c, principal, false),
    })
    .add({
      methods: ["POST"],
      path: "/halflife/sweeps/dry-run",
      group: "sweeps",
      summary: "Decide and report what a sweep would change, changing nothing (200). Same body as POST /halflife/sweeps; the run is recorded as a dry run.",
      body: startBody,
      response: `{ run, report }, where ${SWEEP_REPORT}`,
      handler: (c, principal) => start(c, principal, true),
    })
    .add({
      methods: ["GET"],
      path: "/halflife/sweeps/:id",
      group: "sweeps",
      summary: "One run with its report: the changes grouped by event (an organisation admin sees only their organisation's events).",
      response: `{ run, report }, where ${RUN_SHAPE}; for a sweep ${SWEEP_REPORT}; for an undo ${UNDO_REPORT}`,
      handler: async (c, principal) => {
        const { run, view } = await showSweepRun(context, principal, runId(pathParam(c, "id")));
        return c.json({ run: run, report: view.report });
      },
    })
    .add({
      methods: ["POST"],
      path: "/halflife/sweeps/:id/undo",
      group: "sweeps",
      summary:
        "Undo a local sweep run (201): turn back on the flags it turned off, unless changed since, and republish those events once. " +
        "An organisation admin undoes their organisation's part. 400 for a dry run, 409 when undone already or while another sweep runs. Body: { wait? }.",
      body: z.strictObject({ wait: z.boolean().optional() }),
      response: `{ run, report }, where ${UNDO_REPORT}`,
      handler: async (c, principal) => {
        const raw = await jsonBody(c);
        const wait = isObject(raw) && raw.wait === true;
        const report = await undoSweep(context, principal, { runId: runId(pathParam(c, "id")), origin: "api", wait });
        const { run } = await showSweepRun(context, principal, Number(report.runId));
        return c.json({ run: run, report }, 201);
      },
    });
}

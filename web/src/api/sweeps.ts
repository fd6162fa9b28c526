/**
 * False-positive sweep runs over `/halflife/sweeps`: the history, one run with its report, starting
 * a dry run or a run, and undoing a run. A run is a sweep or the undo of one.
 */
import { get, post } from "./client.js";

export interface SweepChange {
  id: string;
  uuid: string;
  type: string;
  value: string;
  /** Sweeps only: the counts and the rule's reason. Undo reports list the restored attributes. */
  tp?: number;
  fp?: number;
  ratio?: number | null;
  reason?: string;
}

export interface SweepEvent {
  id: string;
  uuid: string;
  info: string;
  republished: boolean;
  attributes: SweepChange[];
}

export interface SweepRun {
  id: string;
  kind: "sweep" | "undo";
  dryRun: boolean;
  status: string;
  origin: string;
  startedAt: number;
  finishedAt: number | null;
  rule: { minimalFp: number; threshold: number; cutoff: number } | null;
  attributesChecked: number;
  attributesChanged: number;
  eventsRepublished: number;
  failures: Array<{ stage: string; message: string }>;
  /** The run this one undid (undo runs). */
  undoOf: string | null;
  /** The run that undid this one. */
  undoneBy: string | null;
}

export interface SweepRunDetail {
  run: SweepRun;
  /** Grouped by event; empty when nothing changed (or would change). */
  events: SweepEvent[];
  /** Undo runs: attributes left alone because they changed since the sweep. */
  skipped: Array<{ attributeId: string; type: string; value: string; why: string }>;
}

export interface SweepOptions {
  dryRun: boolean;
  minimalFp: number;
  threshold: number;
  /** "YYYY-MM-DD HH:MM:SS" (UTC), like the command line's --minimal-date-sighting. */
  minimalDateSighting?: string;
}

const num = (value: unknown, fallback = 0) => (value !== null && value !== undefined && value !== "" && Number.isFinite(Number(value)) ? Number(value) : fallback);
const idOrNull = (value: unknown) => (value === null || value === undefined || value === "" ? null : String(value));

export function toRun(raw: unknown): SweepRun {
  const r = (raw ?? {}) as Record<string, unknown>;
  const parameters = (r.parameters ?? {}) as Record<string, unknown>;
  const rule = parameters.rule as Record<string, unknown> | undefined;
  return {
    id: String(r.id ?? ""),
    kind: r.kind === "undo" ? "undo" : "sweep",
    dryRun: r.dryRun === true,
    status: String(r.status ?? ""),
    origin: String(r.origin ?? ""),
    startedAt: num(r.startedAt),
    finishedAt: r.finishedAt === null || r.finishedAt === undefined ? null : num(r.finishedAt),
    rule: rule ? { minimalFp: num(rule.minimalFp), threshold: num(rule.threshold, 0.5), cutoff: num(rule.cutoff) } : null,
    attributesChecked: num(r.attributesChecked),
    attributesChanged: num(r.attributesChanged),
    eventsRepublished: num(r.eventsRepublished),
    failures: Array.isArray(r.failures) ? (r.failures as SweepRun["failures"]) : [],
    undoOf: idOrNull(r.undoOf),
    undoneBy: idOrNull(r.undoneBy),
  };
}

function toDetail(raw: unknown): SweepRunDetail {
  const answer = (raw ?? {}) as { run?: unknown; report?: Record<string, unknown> };
  const report = answer.report ?? {};
  const skipped = Array.isArray(report.skipped) ? (report.skipped as Array<Record<string, unknown>>) : [];
  return {
    run: toRun(answer.run),
    events: Array.isArray(report.events) ? (report.events as SweepEvent[]) : [],
    skipped: skipped.map((s) => ({ attributeId: String(s.attributeId ?? ""), type: String(s.type ?? ""), value: String(s.value ?? ""), why: String(s.why ?? "") })),
  };
}

export async function listRuns(): Promise<SweepRun[]> {
  const answer = await get<unknown>("/halflife/sweeps");
  return (Array.isArray(answer) ? answer : []).map(toRun);
}

export const viewRun = async (id: string) => toDetail(await get<unknown>(`/halflife/sweeps/${encodeURIComponent(id)}`));

export async function startRun(options: SweepOptions): Promise<SweepRunDetail> {
  const body: Record<string, unknown> = { minimalFp: options.minimalFp, threshold: options.threshold };
  if (options.minimalDateSighting) body.minimalDateSighting = options.minimalDateSighting;
  return toDetail(await post<unknown>(options.dryRun ? "/halflife/sweeps/dry-run" : "/halflife/sweeps", body));
}

/** Undoes a run; answers with the undo run. */
export const undoRun = async (id: string) => toDetail(await post<unknown>(`/halflife/sweeps/${encodeURIComponent(id)}/undo`, {}));

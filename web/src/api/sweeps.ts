/** False-positive sweep runs over `/halflife/sweeps`: history, one run's report, start, undo. */
import { get, post } from "./client.js";

export interface SweepChange {
  id: string;
  uuid: string;
  type: string;
  value: string;
  tp: number;
  fp: number;
  ratio: number | null;
  reason: string;
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
  dryRun: boolean;
  startedAt: number;
  finishedAt: number | null;
  undoneAt: number | null;
  rule: { minimalFp: number; threshold: number; cutoff: number };
  totals: { attributesChecked: number; attributesDisabled: number; eventsRepublished: number };
  events: SweepEvent[];
  failures: Array<{ stage: string; message: string }>;
}

export interface SweepOptions {
  dryRun: boolean;
  minimalFp: number;
  threshold: number;
  /** "YYYY-MM-DD HH:MM:SS" (UTC), like the command line's --minimal-date-sighting. */
  minimalDateSighting?: string;
}

const num = (value: unknown, fallback = 0) => (Number.isFinite(Number(value)) && value !== null && value !== "" ? Number(value) : fallback);

/** One run from the server's answer, whichever naming it uses. */
export function toRun(raw: unknown): SweepRun {
  const r = (raw ?? {}) as Record<string, unknown>;
  const report = (r.report && typeof r.report === "object" ? r.report : r) as Record<string, unknown>;
  const rule = (report.rule ?? {}) as Record<string, unknown>;
  const totals = (report.totals ?? {}) as Record<string, unknown>;
  const undone = r.undoneAt ?? r.undone_at ?? report.undoneAt ?? null;
  return {
    id: String(r.id ?? r.runId ?? report.runId ?? ""),
    dryRun: Boolean(r.dryRun ?? r.dry_run ?? report.dryRun),
    startedAt: num(r.startedAt ?? r.started_at ?? report.startedAt),
    finishedAt: r.finishedAt ?? r.finished_at ?? report.finishedAt ? num(r.finishedAt ?? r.finished_at ?? report.finishedAt) : null,
    undoneAt: undone === null || undone === undefined ? null : num(undone),
    rule: { minimalFp: num(rule.minimalFp), threshold: num(rule.threshold, 0.5), cutoff: num(rule.cutoff) },
    totals: {
      attributesChecked: num(totals.attributesChecked),
      attributesDisabled: num(totals.attributesDisabled),
      eventsRepublished: num(totals.eventsRepublished),
    },
    events: Array.isArray(report.events) ? (report.events as SweepEvent[]) : [],
    failures: Array.isArray(report.failures) ? (report.failures as SweepRun["failures"]) : [],
  };
}

function list(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  const r = (raw ?? {}) as Record<string, unknown>;
  return Array.isArray(r.runs) ? r.runs : [];
}

export const listRuns = async () => list(await get<unknown>("/halflife/sweeps")).map(toRun);
export const viewRun = async (id: string) => toRun(await get<unknown>(`/halflife/sweeps/${encodeURIComponent(id)}`));

export async function startRun(options: SweepOptions): Promise<SweepRun> {
  const body: Record<string, unknown> = { minimalFp: options.minimalFp, threshold: options.threshold };
  if (options.minimalDateSighting) body.minimalDateSighting = options.minimalDateSighting;
  return toRun(await post<unknown>(options.dryRun ? "/halflife/sweeps/dry-run" : "/halflife/sweeps", body));
}

export const undoRun = async (id: string) => toRun(await post<unknown>(`/halflife/sweeps/${encodeURIComponent(id)}/undo`));

/**
 * Table types of migration 0003 (sweep runs, their changes, job locks). Kept beside schema.ts
 * rather than in it: the sweep's repositories widen the Kysely handle with these tables
 * (`db.withTables<SweepTables>()`), and nothing else needs them.
 */
import type { Generated } from "kysely";

export interface SweepRunsTable {
  id: Generated<number>;
  kind: string;
  target_kind: string;
  target_url: string | null;
  target_label: string | null;
  dry_run: number;
  status: string;
  origin: string;
  user_id: number | null;
  org_scope_id: number | null;
  /** JSON: { rule, scope }. */
  parameters: string;
  started_at: number;
  finished_at: number | null;
  attributes_checked: number;
  attributes_changed: number;
  events_republished: number;
  /** JSON: SweepFailure[]. */
  failures: string;
  /** JSON: SweepSkip[]. */
  skipped: string;
  undo_of: number | null;
  undone_by: number | null;
}

export interface SweepChangesTable {
  id: Generated<number>;
  run_id: number;
  event_ref: string;
  event_uuid: string;
  event_info: string;
  event_org_id: number | null;
  attribute_ref: string;
  attribute_uuid: string;
  attribute_type: string;
  attribute_value: string;
  field: string;
  before_value: number;
  after_value: number;
  tp: number | null;
  fp: number | null;
  ratio: number | null;
  reason: string;
  stamped: number | null;
  changed_at: number;
  republished: number;
}

export interface JobLocksTable {
  name: string;
  token: string;
  pid: number;
  host: string;
  label: string;
  /** Unix milliseconds, from the machine's clock: locks are about real time, not a test clock. */
  acquired_at: number;
  expires_at: number;
}

// A type alias, not an interface: Kysely's withTables wants an indexable record type.
export type SweepTables = {
  sweep_runs: SweepRunsTable;
  sweep_changes: SweepChangesTable;
  job_locks: JobLocksTable;
};

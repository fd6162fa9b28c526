/**
 * False-positive sweeps: start one (a dry run first, ideally), and the history of runs. A sweep
 * turns off to_ids on attributes whose false-positive share reached the threshold.
 */
import { useState } from "preact/hooks";
import type { PageProps } from "../app.js";
import { listRuns, startRun, type SweepOptions, type SweepRun } from "../api/sweeps.js";
import { ConfirmButton } from "../components/confirm-button.js";
import { Link } from "../components/link.js";
import { Empty, ErrorMessage, Loading } from "../components/notice.js";
import { formatTime } from "../lib/format.js";
import { navigate } from "../lib/router.js";
import { useAction, useAsync } from "../lib/use-async.js";

export function SweepListPage({ session }: PageProps) {
  // Site admins sweep everything; organisation admins their organisation's events (the server decides).
  const maySweep = session.role.perm_site_admin || session.role.perm_admin === true;
  const runs = useAsync(listRuns, []);
  return (
    <section>
      <div class="page-title">
        <h1>False-positive sweeps</h1>
      </div>
      <SweepForm allowed={maySweep} />
      <h2>Runs</h2>
      <ErrorMessage error={runs.error} onRetry={runs.reload} />
      {runs.loading && !runs.data ? <Loading what="Loading runs" /> : runs.data && runs.data.length === 0 ? <Empty>No sweep has run yet.</Empty> : runs.data && <RunTable runs={runs.data} />}
    </section>
  );
}

function SweepForm({ allowed }: { allowed: boolean }) {
  const [minimalFp, setMinimalFp] = useState(0);
  const [threshold, setThreshold] = useState(50);
  const [since, setSince] = useState("");
  const start = useAction(async (dryRun: boolean) => {
    const options: SweepOptions = { dryRun, minimalFp, threshold: threshold / 100 };
    if (since) options.minimalDateSighting = `${since} 00:00:00`;
    const started = await startRun(options);
    navigate(`/sweeps/${started.run.id}`);
  });
  return (
    <form class="card sweep-form" onSubmit={(e) => e.preventDefault()} aria-label="Start a sweep">
      <p>
        A sweep turns off the IDS flag of every attribute with more than the given number of false positives, when they make up at least the
        given share of its true and false positives. Each affected event is then republished once, without e-mail alerts. Every change is
        recorded, and a run can be undone.
      </p>
      <div class="field">
        <label for="sweep-min-fp">More false positives than</label>
        <input id="sweep-min-fp" type="number" min={0} step={1} value={minimalFp} onInput={(e) => setMinimalFp(Number((e.currentTarget as HTMLInputElement).value))} />
      </div>
      <div class="field">
        <label for="sweep-threshold">False-positive share of at least (%)</label>
        <input id="sweep-threshold" type="number" min={0} max={100} step={1} value={threshold} onInput={(e) => setThreshold(Number((e.currentTarget as HTMLInputElement).value))} />
      </div>
      <div class="field">
        <label for="sweep-since">Counting sightings after (UTC)</label>
        <input id="sweep-since" type="date" value={since} onInput={(e) => setSince((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <div class="button-row">
        <button type="button" class="button-primary" disabled={start.busy || !allowed} onClick={() => void start.run(true)}>
          Dry run
        </button>
        <ConfirmButton label="Run" title="Run the sweep now?" confirmLabel="Run the sweep" disabled={start.busy || !allowed} onConfirm={() => void start.run(false)}>
          <p>
            Attributes that meet the rule lose their IDS flag, and their events are republished. A dry run first shows what would change. You can
            undo a run from its report.
          </p>
        </ConfirmButton>
      </div>
      {!allowed && <p class="help">Only administrators may run sweeps.</p>}
      {start.busy && <Loading what="Sweeping" />}
      <ErrorMessage error={start.error} />
    </form>
  );
}

function RunTable({ runs }: { runs: SweepRun[] }) {
  return (
    <div class="table-scroll">
      <table class="data-table" aria-label="Sweep runs">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Started</th>
            <th scope="col">Kind</th>
            <th scope="col" class="number">Checked</th>
            <th scope="col" class="number">Flags changed</th>
            <th scope="col" class="number">Events republished</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id}>
              <td>
                <Link href={`/sweeps/${run.id}`}>Run {run.id}</Link>
              </td>
              <td>{formatTime(run.startedAt)}</td>
              <td>{runKind(run)}</td>
              <td class="number">{run.kind === "undo" ? "—" : run.attributesChecked}</td>
              <td class="number">{run.attributesChanged}</td>
              <td class="number">{run.eventsRepublished}</td>
              <td>{runState(run)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function runKind(run: SweepRun): string {
  if (run.kind === "undo") return `Undo of run ${run.undoOf ?? "?"}`;
  return run.dryRun ? "Dry run" : "Sweep";
}

export function runState(run: SweepRun): string {
  if (run.status === "running") return "Running";
  if (run.status === "failed" || run.status === "interrupted") return run.status === "failed" ? "Failed" : "Interrupted";
  if (run.undoneBy) return `Undone by run ${run.undoneBy}`;
  if (run.failures.length) return `${run.failures.length} failure${run.failures.length === 1 ? "" : "s"}`;
  if (run.kind === "undo") return "Restored";
  if (run.dryRun) return "Nothing changed (dry run)";
  return run.attributesChanged ? "Applied" : "All clear";
}

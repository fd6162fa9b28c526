/** One sweep run's report, grouped by event, with undo for runs that changed something. */
import type { PageProps } from "../app.js";
import { undoRun, viewRun, type SweepRun } from "../api/sweeps.js";
import { ConfirmButton } from "../components/confirm-button.js";
import { Link } from "../components/link.js";
import { Empty, ErrorMessage, Loading, Success } from "../components/notice.js";
import { formatShare, formatTime } from "../lib/format.js";
import { useAction, useAsync } from "../lib/use-async.js";
import { runState } from "./sweep-list.js";

export function SweepViewPage({ params, session }: PageProps) {
  const run = useAsync(() => viewRun(params.id!), [params.id]);
  const undo = useAction(async () => {
    await undoRun(params.id!);
    run.reload();
  });
  if (run.loading && !run.data) return <Loading what="Loading the run" />;
  if (!run.data) return <ErrorMessage error={run.error} onRetry={run.reload} />;
  const r = run.data;
  const canUndo = !r.dryRun && !r.undoneAt && r.totals.attributesDisabled > 0 && session.role.perm_site_admin;
  return (
    <section>
      <div class="page-title">
        <h1>
          {r.dryRun ? "Dry run" : "Sweep run"} {r.id}
        </h1>
        <Link href="/sweeps">All runs</Link>
      </div>
      <RunSummary run={r} />
      <ErrorMessage error={undo.error ?? run.error} />
      {r.undoneAt && <Success>This run was undone on {formatTime(r.undoneAt)}: the flags it turned off are back on.</Success>}
      {canUndo && (
        <ConfirmButton label="Undo this run" title={`Undo run ${r.id}?`} confirmLabel="Undo the run" danger disabled={undo.busy} onConfirm={() => void undo.run()}>
          <p>
            The IDS flag comes back on for the {r.totals.attributesDisabled} attribute{r.totals.attributesDisabled === 1 ? "" : "s"} this run turned off,
            and their {r.events.length} event{r.events.length === 1 ? " is" : "s are"} republished without e-mail alerts.
          </p>
        </ConfirmButton>
      )}
      {r.failures.length > 0 && (
        <div class="notice notice-error" role="alert">
          <h2>Failures</h2>
          <ul>
            {r.failures.map((f, i) => (
              <li key={i}>
                {f.stage}: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h2>{r.dryRun ? "What would change" : "What changed"}</h2>
      {r.events.length === 0 ? (
        <Empty>No attribute met the rule: nothing {r.dryRun ? "would change" : "changed"}.</Empty>
      ) : (
        r.events.map((event) => (
          <div class="card" key={event.id} data-event-id={event.id}>
            <h3>
              <Link href={`/events/${event.id}`}>{event.info}</Link> <span class="help">event {event.id}{event.republished ? ", republished" : ""}</span>
            </h3>
            <table class="data-table compact" aria-label={`Changes in event ${event.id}`}>
              <thead>
                <tr>
                  <th scope="col">Attribute</th>
                  <th scope="col">Type</th>
                  <th scope="col">Value</th>
                  <th scope="col" class="number">TP</th>
                  <th scope="col" class="number">FP</th>
                  <th scope="col" class="number">FP share</th>
                  <th scope="col">Why</th>
                </tr>
              </thead>
              <tbody>
                {event.attributes.map((a) => (
                  <tr key={a.id} data-attribute-id={a.id}>
                    <td>{a.id}</td>
                    <td>{a.type}</td>
                    <td class="value">{a.value}</td>
                    <td class="number">{a.tp}</td>
                    <td class="number">{a.fp}</td>
                    <td class="number">{a.ratio === null ? "—" : formatShare(a.ratio)}</td>
                    <td>{a.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
    </section>
  );
}

function RunSummary({ run }: { run: SweepRun }) {
  return (
    <dl class="facts inline">
      <dt>Started</dt>
      <dd>{formatTime(run.startedAt)}</dd>
      <dt>Rule</dt>
      <dd>
        more than {run.rule.minimalFp} false positive{run.rule.minimalFp === 1 ? "" : "s"}, making up at least {formatShare(run.rule.threshold)}
        {run.rule.cutoff > 0 ? `, counting sightings after ${formatTime(run.rule.cutoff)}` : ""}
      </dd>
      <dt>Checked</dt>
      <dd>{run.totals.attributesChecked} attributes</dd>
      <dt>{run.dryRun ? "Would turn off" : "Turned off"}</dt>
      <dd data-testid="disabled-count">{run.totals.attributesDisabled} IDS flags</dd>
      <dt>State</dt>
      <dd>{runState(run)}</dd>
    </dl>
  );
}

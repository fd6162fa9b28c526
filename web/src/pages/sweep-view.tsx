/** One sweep run's report, grouped by event, with undo for a sweep that changed something. */
import type { PageProps } from "../app.js";
import { undoRun, viewRun, type SweepRun, type SweepRunDetail } from "../api/sweeps.js";
import { ConfirmButton } from "../components/confirm-button.js";
import { Link } from "../components/link.js";
import { Empty, ErrorMessage, Loading } from "../components/notice.js";
import { formatShare, formatTime } from "../lib/format.js";
import { navigate } from "../lib/router.js";
import { useAction, useAsync } from "../lib/use-async.js";
import { runKind, runState } from "./sweep-list.js";

export function SweepViewPage({ params, session }: PageProps) {
  const detail = useAsync(() => viewRun(params.id!), [params.id]);
  const undo = useAction(async () => {
    const undone = await undoRun(params.id!);
    navigate(`/sweeps/${undone.run.id}`);
  });
  if (detail.loading && !detail.data) return <Loading what="Loading the run" />;
  if (!detail.data) return <ErrorMessage error={detail.error} onRetry={detail.reload} />;
  const { run } = detail.data;
  const mayUndo = session.role.perm_site_admin || session.role.perm_admin === true;
  const canUndo = run.kind === "sweep" && !run.dryRun && !run.undoneBy && run.status === "done" && run.attributesChanged > 0 && mayUndo;
  return (
    <section>
      <div class="page-title">
        <h1>
          {runKind(run)}: run {run.id}
        </h1>
        <Link href="/sweeps">All runs</Link>
      </div>
      <RunSummary run={run} />
      <ErrorMessage error={undo.error ?? detail.error} />
      {run.undoneBy && (
        <p class="notice notice-success">
          This run was undone by <Link href={`/sweeps/${run.undoneBy}`}>run {run.undoneBy}</Link>: the flags it turned off are back on, unless they changed since.
        </p>
      )}
      {canUndo && (
        <ConfirmButton label="Undo this run" title={`Undo run ${run.id}?`} confirmLabel="Undo the run" danger disabled={undo.busy} onConfirm={() => void undo.run()}>
          <p>
            The IDS flag comes back on for the {run.attributesChanged} attribute{run.attributesChanged === 1 ? "" : "s"} this run turned off (those changed since
            are left alone), and their events are republished once, without e-mail alerts.
          </p>
        </ConfirmButton>
      )}
      {run.failures.length > 0 && (
        <div class="notice notice-error" role="alert">
          <h2>Failures</h2>
          <ul>
            {run.failures.map((f, i) => (
              <li key={i}>
                {f.stage}: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <Changes detail={detail.data} />
    </section>
  );
}

function Changes({ detail }: { detail: SweepRunDetail }) {
  const { run, events, skipped } = detail;
  const undo = run.kind === "undo";
  const title = undo ? "What was restored" : run.dryRun ? "What would change" : "What changed";
  return (
    <>
      <h2>{title}</h2>
      {events.length === 0 ? (
        <Empty>{undo ? "Nothing needed restoring." : `No attribute met the rule: nothing ${run.dryRun ? "would change" : "changed"}.`}</Empty>
      ) : (
        events.map((event) => (
          <div class="card" key={event.id} data-event-id={event.id}>
            <h3>
              <Link href={`/events/${event.id}`}>{event.info}</Link>{" "}
              <span class="help">
                event {event.id}
                {event.republished ? ", republished" : ""}
              </span>
            </h3>
            <table class="data-table compact" aria-label={`Changes in event ${event.id}`}>
              <thead>
                <tr>
                  <th scope="col">Attribute</th>
                  <th scope="col">Type</th>
                  <th scope="col">Value</th>
                  {!undo && (
                    <>
                      <th scope="col" class="number">TP</th>
                      <th scope="col" class="number">FP</th>
                      <th scope="col" class="number">FP share</th>
                      <th scope="col">Why</th>
                    </>
                  )}
                </tr>
              </thead>
              <tbody>
                {event.attributes.map((a) => (
                  <tr key={a.id} data-attribute-id={a.id}>
                    <td>{a.id}</td>
                    <td>{a.type}</td>
                    <td class="value">{a.value}</td>
                    {!undo && (
                      <>
                        <td class="number">{a.tp}</td>
                        <td class="number">{a.fp}</td>
                        <td class="number">{a.ratio === null || a.ratio === undefined ? "—" : formatShare(a.ratio)}</td>
                        <td>{a.reason}</td>
                      </>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))
      )}
      {skipped.length > 0 && (
        <div class="card">
          <h3>Left alone</h3>
          <ul>
            {skipped.map((s) => (
              <li key={s.attributeId}>
                {s.type} {s.value}: {s.why}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

function RunSummary({ run }: { run: SweepRun }) {
  return (
    <dl class="facts inline">
      <dt>Started</dt>
      <dd>{formatTime(run.startedAt)}</dd>
      {run.origin && (
        <>
          <dt>From</dt>
          <dd>{run.origin === "api" ? "the web UI or the API" : run.origin === "schedule" ? "the schedule" : "the command line"}</dd>
        </>
      )}
      {run.rule && (
        <>
          <dt>Rule</dt>
          <dd>
            more than {run.rule.minimalFp} false positive{run.rule.minimalFp === 1 ? "" : "s"}, making up at least {formatShare(run.rule.threshold)}
            {run.rule.cutoff > 0 ? `, counting sightings after ${formatTime(run.rule.cutoff)}` : ""}
          </dd>
        </>
      )}
      {run.kind === "sweep" && (
        <>
          <dt>Checked</dt>
          <dd>{run.attributesChecked} attributes</dd>
        </>
      )}
      <dt>{run.kind === "undo" ? "Restored" : run.dryRun ? "Would turn off" : "Turned off"}</dt>
      <dd data-testid="changed-count">{run.attributesChanged} IDS flags</dd>
      <dt>State</dt>
      <dd>{runState(run)}</dd>
    </dl>
  );
}

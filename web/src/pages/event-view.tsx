/**
 * One event: its tags with their numerical values, and its attributes with their decay scores,
 * sighting counts by type, and buttons to report a true positive, a false positive or an expiration.
 */
import { useState } from "preact/hooks";
import type { PageProps } from "../app.js";
import { reportSighting, SIGHTING_TYPES, sightingCounts, viewEvent, type Attribute } from "../api/events.js";
import { Link } from "../components/link.js";
import { Empty, ErrorMessage, Loading, Success } from "../components/notice.js";
import { ScoreBadge } from "../components/score-badge.js";
import { TagChip } from "../components/tag-chip.js";
import { formatTime } from "../lib/format.js";
import { withQuery } from "../lib/router.js";
import { useAction, useAsync } from "../lib/use-async.js";

export function EventViewPage({ params, session }: PageProps) {
  const event = useAsync(() => viewEvent(params.id!), [params.id]);
  const [reported, setReported] = useState<string | null>(null);
  const report = useAction(async (attribute: Attribute, type: 0 | 1 | 2) => {
    setReported(null);
    await reportSighting(attribute.id, type);
    setReported(`${SIGHTING_TYPES[type].label} reported on ${attribute.type} ${attribute.value}.`);
    event.reload();
  });
  const maySight = session.role.perm_site_admin || session.role.perm_sighting;

  if (event.loading && !event.data) return <Loading what="Loading the event" />;
  if (!event.data) return <ErrorMessage error={event.error} onRetry={event.reload} />;
  const e = event.data;
  const groups = [{ title: "Attributes", attributes: e.Attribute ?? [] }, ...(e.Object ?? []).map((o) => ({ title: `Object: ${o.name}`, attributes: o.Attribute ?? [] }))];

  return (
    <section>
      <div class="page-title">
        <h1>{e.info}</h1>
        <Link href="/events">All events</Link>
      </div>
      <dl class="facts inline">
        <dt>ID</dt>
        <dd>{e.id}</dd>
        <dt>Date</dt>
        <dd>{e.date}</dd>
        <dt>Creator</dt>
        <dd>{e.Orgc?.name}</dd>
        <dt>Published</dt>
        <dd>{e.published ? "Yes" : "No"}</dd>
        <dt>Last change</dt>
        <dd>{formatTime(e.timestamp)}</dd>
      </dl>
      <div class="event-tags">
        <h2 class="visually-hidden">Event tags</h2>
        {(e.Tag ?? []).length ? (e.Tag ?? []).map((t) => <TagChip key={t.name} tag={t} />) : <span class="help">No event tags.</span>}
      </div>
      <ErrorMessage error={report.error ?? event.error} />
      {reported && <Success>{reported}</Success>}
      {!maySight && <p class="help">Your role may not report sightings.</p>}
      {groups.map((group) =>
        group.attributes.length === 0 && group.title !== "Attributes" ? null : (
          <div class="card" key={group.title}>
            <h2>{group.title}</h2>
            {group.attributes.length === 0 ? (
              <Empty>No attributes.</Empty>
            ) : (
              <AttributeTable attributes={group.attributes} busy={report.busy || !maySight} onReport={(a, type) => void report.run(a, type)} />
            )}
          </div>
        ),
      )}
    </section>
  );
}

function AttributeTable({ attributes, busy, onReport }: { attributes: Attribute[]; busy: boolean; onReport(attribute: Attribute, type: 0 | 1 | 2): void }) {
  return (
    <div class="table-scroll">
      <table class="data-table" aria-label="Attributes">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Category</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
            <th scope="col">Tags</th>
            <th scope="col">IDS</th>
            <th scope="col" title="True positives / false positives / expirations">Sightings (TP / FP / Exp.)</th>
            <th scope="col">Decay score</th>
            <th scope="col">Report</th>
          </tr>
        </thead>
        <tbody>
          {attributes.map((a) => {
            const [tp, fp, expired] = sightingCounts(a.Sighting);
            return (
              <tr key={a.id} data-attribute-id={a.id} class={a.to_ids ? undefined : "muted"}>
                <td>{a.id}</td>
                <td>{a.category}</td>
                <td>{a.type}</td>
                <td class="value">{a.value}</td>
                <td>
                  {(a.Tag ?? []).map((t) => (
                    <TagChip key={t.name} tag={t} />
                  ))}
                </td>
                <td data-testid="to-ids">{a.to_ids ? "Yes" : "No"}</td>
                <td class="sightings">
                  <span data-testid="tp-count" title="true positives">{tp}</span> / <span data-testid="fp-count" title="false positives">{fp}</span> /{" "}
                  <span data-testid="expiration-count" title="expirations">{expired}</span>
                </td>
                <td>
                  {(a.decay_score ?? []).length === 0 ? (
                    <span class="help">no model</span>
                  ) : (
                    (a.decay_score ?? []).map((s) => (
                      <Link key={String(s.DecayingModel.id)} href={withQuery("/simulation", { model: String(s.DecayingModel.id), attribute: a.id })} class="score-link">
                        <ScoreBadge name={s.DecayingModel.name} score={s.score} decayed={s.decayed} error={s.error} />
                      </Link>
                    ))
                  )}
                </td>
                <td>
                  <div class="button-row nowrap">
                    {SIGHTING_TYPES.map((s) => (
                      <button key={s.type} type="button" class="button-small" disabled={busy} title={s.label} onClick={() => onReport(a, s.type)}>
                        {s.short}
                        <span class="visually-hidden">
                          {" "}
                          {s.label.toLowerCase()} for {a.value}
                        </span>
                      </button>
                    ))}
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

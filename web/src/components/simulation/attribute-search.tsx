/**
 * Attributes to simulate: restSearch filters (with the chosen model and its overrides), and the
 * results with each model's score in green or red.
 */
import { useState } from "preact/hooks";
import { searchAttributes, type Attribute } from "../../api/events.js";
import type { DecayingModel } from "../../api/models.js";
import { useAction } from "../../lib/use-async.js";
import { Link } from "../link.js";
import { Empty, ErrorMessage, Loading } from "../notice.js";
import { ScoreBadge } from "../score-badge.js";
import { TagChip } from "../tag-chip.js";
import type { Overrides } from "./model-chooser.js";

interface Filters {
  value: string;
  type: string;
  tags: string;
  eventid: string;
  last: string;
  toIds: boolean;
  excludeDecayed: boolean;
  extra: string;
}

const NO_FILTERS: Filters = { value: "", type: "", tags: "", eventid: "", last: "", toIds: true, excludeDecayed: false, extra: "" };

export function AttributeSearch({ model, overrides, selected, onSelect }: { model: DecayingModel; overrides: Overrides; selected: string; onSelect(id: string): void }) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [results, setResults] = useState<Attribute[] | null>(null);
  const [extraError, setExtraError] = useState<string | null>(null);
  const search = useAction(async (f: Filters) => {
    let extra: Record<string, unknown> = {};
    if (f.extra.trim()) {
      try {
        extra = JSON.parse(f.extra) as Record<string, unknown>;
      } catch {
        setExtraError("The extra filters are not valid JSON.");
        return;
      }
    }
    setExtraError(null);
    const body: Record<string, unknown> = { includeDecayScore: 1, decayingModel: [Number(model.id)], limit: 60, ...extra };
    if (Object.keys(overrides).length) body.modelOverrides = overrides;
    if (f.value) body.value = f.value;
    if (f.type) body.type = f.type;
    if (f.tags) body.tags = f.tags.split(",").map((t) => t.trim()).filter(Boolean);
    if (f.eventid) body.eventid = f.eventid;
    if (f.last) body.last = f.last;
    if (f.toIds) body.to_ids = 1;
    if (f.excludeDecayed) body.excludeDecayed = 1;
    setResults(await searchAttributes(body));
  });
  const set = (fields: Partial<Filters>) => setFilters({ ...filters, ...fields });
  const text = (key: "value" | "type" | "tags" | "eventid" | "last", label: string, placeholder: string) => (
    <div class="field">
      <label for={`filter-${key}`}>{label}</label>
      <input id={`filter-${key}`} value={filters[key]} placeholder={placeholder} onInput={(e) => set({ [key]: (e.currentTarget as HTMLInputElement).value })} />
    </div>
  );

  return (
    <div class="card">
      <h2>Find attributes</h2>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void search.run(filters);
        }}
      >
        {text("value", "Value", "e.g. %.example")}
        {text("type", "Type", "e.g. domain")}
        {text("tags", "Tags", "comma-separated, % wildcards, ! to exclude")}
        {text("eventid", "Event ID", "")}
        {text("last", "Changed in the last", "e.g. 30d")}
        <label class="choice-inline">
          <input type="checkbox" checked={filters.toIds} onChange={(e) => set({ toIds: (e.currentTarget as HTMLInputElement).checked })} />
          Only for IDS
        </label>
        <label class="choice-inline">
          <input type="checkbox" checked={filters.excludeDecayed} onChange={(e) => set({ excludeDecayed: (e.currentTarget as HTMLInputElement).checked })} />
          Leave out decayed
        </label>
        <details class="grow">
          <summary>More restSearch filters (JSON)</summary>
          <label for="filter-extra" class="visually-hidden">
            More restSearch filters as JSON
          </label>
          <textarea id="filter-extra" rows={3} spellcheck={false} placeholder='{"category": "Network activity"}' value={filters.extra} onInput={(e) => set({ extra: (e.currentTarget as HTMLTextAreaElement).value })} />
        </details>
        <button type="submit" class="button-primary" disabled={search.busy}>
          Search
        </button>
      </form>
      <ErrorMessage error={extraError ?? search.error} />
      {search.busy && <Loading what="Searching" />}
      {results && results.length === 0 && <Empty>No attribute matches these filters.</Empty>}
      {results && results.length > 0 && <ResultTable results={results} selected={selected} onSelect={onSelect} />}
    </div>
  );
}

function ResultTable({ results, selected, onSelect }: { results: Attribute[]; selected: string; onSelect(id: string): void }) {
  return (
    <div class="table-scroll">
      <table class="data-table" aria-label="Matching attributes">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Event</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
            <th scope="col">Tags</th>
            <th scope="col">IDS</th>
            <th scope="col">Score</th>
            <th scope="col">Simulate</th>
          </tr>
        </thead>
        <tbody>
          {results.map((a) => (
            <tr key={a.id} class={a.id === selected ? "selected" : undefined} data-attribute-id={a.id}>
              <td>{a.id}</td>
              <td>{a.Event ? <Link href={`/events/${a.Event.id}`}>{a.Event.info}</Link> : a.event_id}</td>
              <td>{a.type}</td>
              <td class="value">{a.value}</td>
              <td>
                {(a.Tag ?? []).map((t) => (
                  <TagChip key={t.name} tag={t} />
                ))}
              </td>
              <td>{a.to_ids ? "Yes" : "No"}</td>
              <td>
                {(a.decay_score ?? []).map((s) => (
                  <ScoreBadge key={String(s.DecayingModel.id)} name={s.DecayingModel.name} score={s.score} decayed={s.decayed} error={s.error} />
                ))}
              </td>
              <td>
                <button type="button" class="button-small" aria-pressed={a.id === selected} onClick={() => onSelect(a.id)}>
                  Simulate<span class="visually-hidden"> attribute {a.id}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

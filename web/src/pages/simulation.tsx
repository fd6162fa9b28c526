/**
 * Simulation: pick a model (and try other parameters on it), find attributes with restSearch
 * filters, see each one's score per model, and for one attribute its score over time.
 */
import { useState } from "preact/hooks";
import type { PageProps } from "../app.js";
import { searchAttributes, type Attribute } from "../api/events.js";
import { listModels, type DecayingModel } from "../api/models.js";
import { simulate } from "../api/simulation.js";
import { Link } from "../components/link.js";
import { Empty, ErrorMessage, Loading } from "../components/notice.js";
import { ScoreBadge } from "../components/score-badge.js";
import { BaseScoreSteps } from "../components/simulation/base-score-steps.js";
import { SimulationChart } from "../components/simulation/simulation-chart.js";
import { TagChip } from "../components/tag-chip.js";
import { formatScore, formatTime } from "../lib/format.js";
import { navigate, withQuery } from "../lib/router.js";
import { useAction, useAsync } from "../lib/use-async.js";

type Overrides = Partial<Record<"lifetime" | "decay_speed" | "threshold", number>>;

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

function overridesFrom(query: URLSearchParams): Overrides {
  const out: Overrides = {};
  for (const key of ["lifetime", "decay_speed", "threshold"] as const) {
    const raw = query.get(key);
    if (raw !== null && raw !== "" && Number.isFinite(Number(raw))) out[key] = Number(raw);
  }
  return out;
}

export function SimulationPage({ query }: PageProps) {
  const models = useAsync(() => listModels("all"), []);
  const modelId = query.get("model") ?? "";
  const attributeId = query.get("attribute") ?? "";
  const overrides = overridesFrom(query);
  const model = models.data?.find((m) => m.id === modelId) ?? null;

  const go = (changes: Record<string, string | number | undefined>) => {
    const next = { model: modelId, attribute: attributeId, lifetime: overrides.lifetime, decay_speed: overrides.decay_speed, threshold: overrides.threshold, ...changes };
    navigate(withQuery("/simulation", next), { replace: true });
  };

  return (
    <section>
      <div class="page-title">
        <h1>Simulation</h1>
      </div>
      <ErrorMessage error={models.error} onRetry={models.reload} />
      {models.loading && !models.data ? (
        <Loading what="Loading models" />
      ) : (
        <ModelChooser models={models.data ?? []} model={model} overrides={overrides} onModel={(id) => go({ model: id, lifetime: undefined, decay_speed: undefined, threshold: undefined })} onOverrides={(o) => go({ lifetime: o.lifetime, decay_speed: o.decay_speed, threshold: o.threshold })} />
      )}
      {model && <AttributeSearch key={model.id} model={model} overrides={overrides} selected={attributeId} onSelect={(id) => go({ attribute: id })} />}
      {model && attributeId && <AttributeSimulation model={model} attributeId={attributeId} overrides={overrides} />}
    </section>
  );
}

function ModelChooser({ models, model, overrides, onModel, onOverrides }: { models: DecayingModel[]; model: DecayingModel | null; overrides: Overrides; onModel(id: string): void; onOverrides(o: Overrides): void }) {
  const [draft, setDraft] = useState<Record<string, string>>({});
  const value = (key: keyof Overrides) => draft[key] ?? (overrides[key] === undefined ? "" : String(overrides[key]));
  const apply = (event: Event) => {
    event.preventDefault();
    const out: Overrides = {};
    for (const key of ["lifetime", "decay_speed", "threshold"] as const) {
      const raw = value(key).trim();
      if (raw !== "" && Number.isFinite(Number(raw))) out[key] = Number(raw);
    }
    setDraft({});
    onOverrides(out);
  };
  const p = model?.parameters;
  return (
    <form class="card sim-model" onSubmit={apply}>
      <div class="field">
        <label for="sim-model">Model</label>
        <select id="sim-model" value={model?.id ?? ""} onChange={(e) => onModel((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">Choose a model…</option>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name} (#{m.id}, {m.formula}{m.enabled ? "" : ", disabled"})
            </option>
          ))}
        </select>
      </div>
      {model && (
        <fieldset class="overrides">
          <legend>Try other parameters (leave empty to keep the model's)</legend>
          {(
            [
              ["lifetime", "Lifetime (days)", p?.lifetime],
              ["decay_speed", "Decay speed", p?.decay_speed],
              ["threshold", "Threshold", p?.threshold],
            ] as const
          ).map(([key, label, current]) => (
            <div class="field" key={key}>
              <label for={`override-${key}`}>{label}</label>
              <input id={`override-${key}`} type="number" step="any" min={0} placeholder={current === undefined ? "" : String(current)} value={value(key)} onInput={(e) => setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value })} />
            </div>
          ))}
          <button type="submit">Apply</button>
        </fieldset>
      )}
      {model && (
        <p class="help">
          <Link href={`/models/${model.id}`}>About this model</Link> · <Link href={`/models/${model.id}/edit`}>Open it in the model tool</Link>
        </p>
      )}
    </form>
  );
}

function AttributeSearch({ model, overrides, selected, onSelect }: { model: DecayingModel; overrides: Overrides; selected: string; onSelect(id: string): void }) {
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
                  <ScoreBadge key={String(s.DecayingModel.id)} name={s.DecayingModel.name} score={s.score} decayed={s.decayed} />
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

function AttributeSimulation({ model, attributeId, overrides }: { model: DecayingModel; attributeId: string; overrides: Overrides }) {
  const key = JSON.stringify(overrides);
  const simulation = useAsync(() => simulate(model.id, attributeId, overrides), [model.id, attributeId, key]);
  const now = Math.floor(Date.now() / 1000);
  return (
    <div class="card" aria-live="polite">
      <h2>
        Attribute {attributeId} under “{model.name}”
      </h2>
      <ErrorMessage error={simulation.error} onRetry={simulation.reload} />
      {simulation.loading && !simulation.data && <Loading what="Simulating" />}
      {simulation.data && (
        <>
          <dl class="figures">
            <div>
              <dt>Current score</dt>
              <dd data-testid="current-score" class={simulation.data.current_score < simulation.data.threshold ? "score-decayed-text" : "score-fresh-text"}>
                {formatScore(simulation.data.current_score)} {simulation.data.current_score < simulation.data.threshold ? "(decayed)" : "(fresh)"}
              </dd>
            </div>
            <div>
              <dt>Threshold</dt>
              <dd>{formatScore(simulation.data.threshold)}</dd>
            </div>
            <div>
              <dt>Last true-positive sighting</dt>
              <dd>{simulation.data.lastSighting ? formatTime(simulation.data.lastSighting.date_sighting) : "none: the curve starts at the attribute's last change"}</dd>
            </div>
          </dl>
          <SimulationChart simulation={simulation.data} now={now} />
          <h3>Base score</h3>
          <BaseScoreSteps steps={simulation.data.base_score_config} />
        </>
      )}
    </div>
  );
}

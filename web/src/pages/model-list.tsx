/** The decaying models the user can see, filtered as MISP filters them, with their actions. */
import type { PageProps } from "../app.js";
import { listModels, type DecayingModel, type ModelFilter } from "../api/models.js";
import { orgNames } from "../api/orgs.js";
import { Link } from "../components/link.js";
import { ModelActions } from "../components/model-actions.js";
import { Empty, ErrorMessage, Loading } from "../components/notice.js";
import { formatNumber } from "../lib/format.js";
import { navigate, withQuery } from "../lib/router.js";
import { useAsync } from "../lib/use-async.js";

const FILTERS: Array<{ value: ModelFilter; label: string; hint: string }> = [
  { value: "all", label: "All", hint: "every model you can see" },
  { value: "mine", label: "Mine", hint: "your organisation's models" },
  { value: "shared", label: "Shared", hint: "models shared with every organisation" },
  { value: "default", label: "Default", hint: "the built-in models" },
];

export function ModelListPage({ query }: PageProps) {
  const filter = (FILTERS.find((f) => f.value === query.get("filter"))?.value ?? "all") as ModelFilter;
  const models = useAsync(() => listModels(filter), [filter]);
  const orgs = useAsync(orgNames, []);

  return (
    <section>
      <div class="page-title">
        <h1>Decaying models</h1>
        <div class="button-row">
          <Link class="button button-primary" href="/models/new">
            New model
          </Link>
          <Link class="button" href="/models/import">
            Import
          </Link>
        </div>
      </div>
      <div class="segmented" role="group" aria-label="Show models">
        {FILTERS.map((f) => (
          <button
            key={f.value}
            type="button"
            aria-pressed={filter === f.value}
            title={f.hint}
            onClick={() => navigate(withQuery("/models", { filter: f.value === "all" ? undefined : f.value }), { replace: true })}
          >
            {f.label}
          </button>
        ))}
      </div>
      <ErrorMessage error={models.error} onRetry={models.reload} />
      {models.loading && !models.data ? (
        <Loading what="Loading models" />
      ) : models.data && models.data.length === 0 ? (
        <Empty>No model matches this filter.</Empty>
      ) : (
        models.data && <ModelTable models={models.data} orgs={orgs.data ?? new Map()} onChanged={models.reload} />
      )}
    </section>
  );
}

function ModelTable({ models, orgs, onChanged }: { models: DecayingModel[]; orgs: Map<string, string>; onChanged(): void }) {
  return (
    <div class="table-scroll">
      <table class="data-table" aria-label="Decaying models">
        <thead>
          <tr>
            <th scope="col">ID</th>
            <th scope="col">Name</th>
            <th scope="col">Organisation</th>
            <th scope="col">Formula</th>
            <th scope="col" class="number">Lifetime (days)</th>
            <th scope="col" class="number">Decay speed</th>
            <th scope="col" class="number">Threshold</th>
            <th scope="col" class="number">Types</th>
            <th scope="col">Shared</th>
            <th scope="col">Enabled</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.id} data-model-id={model.id}>
              <td>{model.id}</td>
              <td>
                <Link href={`/models/${model.id}`}>{model.name}</Link>
                {model.default && <span class="badge">default</span>}
              </td>
              <td>{model.default ? "Built in" : (orgs.get(model.org_id) ?? `Organisation ${model.org_id}`)}</td>
              <td>{model.formula}</td>
              <td class="number">{model.parameters.lifetime === undefined ? "—" : formatNumber(model.parameters.lifetime)}</td>
              <td class="number">{model.parameters.decay_speed === undefined ? "—" : formatNumber(model.parameters.decay_speed)}</td>
              <td class="number">{formatNumber(model.parameters.threshold)}</td>
              <td class="number">{model.attribute_types.length}</td>
              <td>{model.all_orgs ? "Yes" : "No"}</td>
              <td>{model.enabled ? <span class="status-on">Enabled</span> : <span class="status-off">Disabled</span>}</td>
              <td>
                <ModelActions model={model} onChanged={onChanged} compact />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

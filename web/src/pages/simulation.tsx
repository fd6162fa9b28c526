/**
 * Simulation: pick a model (and try other parameters on it), find attributes with restSearch
 * filters, see each one's score per model, and for one attribute its score over time.
 */
import type { PageProps } from "../app.js";
import { listModels, type DecayingModel } from "../api/models.js";
import { simulate } from "../api/simulation.js";
import { ErrorMessage, Loading } from "../components/notice.js";
import { AttributeSearch } from "../components/simulation/attribute-search.js";
import { BaseScoreSteps } from "../components/simulation/base-score-steps.js";
import { ModelChooser, type Overrides } from "../components/simulation/model-chooser.js";
import { SimulationChart } from "../components/simulation/simulation-chart.js";
import { formatScore, formatTime } from "../lib/format.js";
import { navigate, withQuery } from "../lib/router.js";
import { useAsync } from "../lib/use-async.js";

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

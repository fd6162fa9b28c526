/** One model: what it is, its parameters and weights, the types it scores, and what can be done with it. */
import type { PageProps } from "../app.js";
import { editFlags, viewModel, type DecayingModel } from "../api/models.js";
import { orgNames } from "../api/orgs.js";
import { Link } from "../components/link.js";
import { ModelActions } from "../components/model-actions.js";
import { ErrorMessage, Loading } from "../components/notice.js";
import { daysAndHours, expiresAfter, halfLife } from "../lib/decay.js";
import { formatNumber, formatShare } from "../lib/format.js";
import { navigate } from "../lib/router.js";
import { useAction, useAsync } from "../lib/use-async.js";

export function ModelViewPage({ params }: PageProps) {
  const model = useAsync(() => viewModel(params.id!), [params.id]);
  const orgs = useAsync(orgNames, []);
  if (model.loading && !model.data) return <Loading what="Loading the model" />;
  if (!model.data) return <ErrorMessage error={model.error} onRetry={model.reload} />;
  const m = model.data;
  return (
    <section>
      <div class="page-title">
        <h1>
          {m.name} {m.default && <span class="badge">default</span>}
        </h1>
        <Link href="/models">All models</Link>
      </div>
      <ErrorMessage error={model.error} />
      <ModelActions model={m} onChanged={model.reload} afterDelete={() => navigate("/models")} />
      <div class="columns">
        <div class="card">
          <h2>About</h2>
          <dl class="facts">
            <dt>ID</dt>
            <dd>{m.id}</dd>
            <dt>Organisation</dt>
            <dd>{m.default ? "Built in, owned by this instance" : (orgs.data?.get(m.org_id) ?? `Organisation ${m.org_id}`)}</dd>
            <dt>Formula</dt>
            <dd>{m.formula}</dd>
            <dt>Description</dt>
            <dd>{m.description || "—"}</dd>
            <dt>Version</dt>
            <dd>{m.version || "—"}</dd>
            <dt>Enabled</dt>
            <dd>{m.enabled ? "Yes: it scores its attribute types in searches and event views" : "No: it scores only when a search names it"}</dd>
            <dt>Shared</dt>
            <dd>
              <SharingFlag model={m} onChanged={model.reload} />
            </dd>
            {m.ref && m.ref.length > 0 && (
              <>
                <dt>References</dt>
                <dd>
                  <ul class="plain">
                    {m.ref.map((r) => (
                      <li key={r}>{/^https?:\/\//.test(r) ? <a href={r} rel="noreferrer noopener" target="_blank">{r}</a> : r}</li>
                    ))}
                  </ul>
                </dd>
              </>
            )}
          </dl>
        </div>
        <ParametersCard model={m} />
      </div>
      <WeightsCard model={m} />
      <div class="card">
        <h2>Attribute types ({m.attribute_types.length})</h2>
        {m.attribute_types.length ? (
          <ul class="type-list">
            {m.attribute_types.map((t) => (
              <li key={t}>
                <code>{t}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p>None: the model scores attributes only when a search names it.</p>
        )}
      </div>
    </section>
  );
}

function SharingFlag({ model, onChanged }: { model: DecayingModel; onChanged(): void }) {
  const change = useAction(async () => {
    await editFlags(model.id, { all_orgs: !model.all_orgs });
    onChanged();
  });
  return (
    <>
      {model.all_orgs ? "With every organisation" : "Only with its own organisation"}
      {model.isEditable && (
        <button type="button" class="button-small" onClick={() => void change.run()} disabled={change.busy}>
          {model.all_orgs ? "Make private" : "Share with everyone"}
        </button>
      )}
      <ErrorMessage error={change.error} />
    </>
  );
}

function ParametersCard({ model }: { model: DecayingModel }) {
  const p = model.parameters;
  const polynomial = p.lifetime !== undefined && p.decay_speed !== undefined && p.lifetime > 0 && p.decay_speed > 0;
  return (
    <div class="card">
      <h2>Parameters</h2>
      <dl class="facts">
        {p.lifetime !== undefined && (
          <>
            <dt>Lifetime</dt>
            <dd>{formatNumber(p.lifetime)} days</dd>
          </>
        )}
        {p.decay_speed !== undefined && (
          <>
            <dt>Decay speed</dt>
            <dd>{formatNumber(p.decay_speed)}</dd>
          </>
        )}
        <dt>Threshold</dt>
        <dd>{formatNumber(p.threshold)}</dd>
        <dt>Default base score</dt>
        <dd>{formatNumber(p.default_base_score)}</dd>
        {polynomial && (
          <>
            <dt>Expires after</dt>
            <dd>{daysAndHours(expiresAfter(p.lifetime!, p.decay_speed!, p.threshold))} (from a base score of 100)</dd>
            <dt>Half-life</dt>
            <dd>{daysAndHours(halfLife(p.lifetime!, p.decay_speed!, p.threshold))}</dd>
          </>
        )}
        {p.settings && Object.keys(p.settings).length > 0 && (
          <>
            <dt>Settings</dt>
            <dd>
              <pre>{JSON.stringify(p.settings, null, 2)}</pre>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

function WeightsCard({ model }: { model: DecayingModel }) {
  const entries = Object.entries(model.parameters.base_score_config);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return (
    <div class="card">
      <h2>Base score weights</h2>
      {entries.length === 0 ? (
        <p>No weights: every attribute starts from the default base score, {formatNumber(model.parameters.default_base_score)}.</p>
      ) : (
        <table class="data-table compact" aria-label="Base score weights">
          <thead>
            <tr>
              <th scope="col">Taxonomy key</th>
              <th scope="col" class="number">Weight</th>
              <th scope="col" class="number">Share</th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([key, weight]) => (
              <tr key={key}>
                <td>
                  <code>{key}</code>
                </td>
                <td class="number">{formatNumber(weight)}</td>
                <td class="number">{total > 0 ? formatShare(weight / total) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

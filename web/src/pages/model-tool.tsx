/**
 * The model tool: a model's decay (formula, parameters, live curve), its base score (weights and
 * examples) and its attribute types, saved as a new model or over one the user may edit. Opened on
 * an existing model (/models/:id/edit) it starts from that model; on /models/new from MISP's
 * tool defaults.
 */
import { useEffect, useState } from "preact/hooks";
import type { PageProps } from "../app.js";
import { addModel, allModels, editModel, listFormulas, viewModel, type DecayingModel, type FormulaInfo } from "../api/models.js";
import { describeTypes, scoringTaxonomies } from "../api/taxonomies.js";
import { BaseScoreConfigurator } from "../components/base-score/configurator.js";
import { Link } from "../components/link.js";
import { ErrorMessage, Loading, Success } from "../components/notice.js";
import { DecayPanel } from "../components/tool/decay-panel.js";
import { TypeMapping } from "../components/tool/type-mapping.js";
import { setFlash, takeFlash } from "../lib/flash.js";
import { navigate, withQuery } from "../lib/router.js";
import { useAction, useAsync } from "../lib/use-async.js";
import { draftOf, NEW_MODEL, toModelDraft, type Draft } from "../lib/model-draft.js";

type Tab = "decay" | "base-score" | "types";
const TABS: Array<{ id: Tab; label: string }> = [
  { id: "decay", label: "Decay" },
  { id: "base-score", label: "Base score" },
  { id: "types", label: "Attribute types" },
];

export function ModelToolPage({ params, query, session }: PageProps) {
  const id = params.id;
  const existing = useAsync(() => (id ? viewModel(id) : Promise.resolve(null)), [id]);
  const formulas = useAsync(listFormulas, []);
  const [draft, setDraft] = useState<Draft | null>(id ? null : NEW_MODEL);

  useEffect(() => {
    if (existing.data) setDraft(draftOf(existing.data));
    else if (!id) setDraft(NEW_MODEL);
  }, [existing.data, id]);

  if (existing.error && !existing.data) return <ErrorMessage error={existing.error} onRetry={existing.reload} />;
  if (!draft || (id && !existing.data)) return <Loading what="Loading the model" />;
  return (
    <ToolEditor
      key={id ?? "new"}
      model={existing.data ?? null}
      draft={draft}
      setDraft={(change) => setDraft((d) => (d ? change(d) : d))}
      formulas={formulas.data ?? []}
      formulasError={formulas.error}
      tab={(TABS.find((t) => t.id === query.get("tab"))?.id ?? "decay") as Tab}
      canSave={session.role.perm_site_admin || session.role.perm_decaying}
    />
  );
}

interface EditorProps {
  model: DecayingModel | null;
  draft: Draft;
  setDraft(update: (draft: Draft) => Draft): void;
  formulas: FormulaInfo[];
  formulasError: string | null;
  tab: Tab;
  canSave: boolean;
}

function ToolEditor({ model, draft, setDraft, formulas, formulasError, tab, canSave }: EditorProps) {
  const types = useAsync(describeTypes, []);
  const others = useAsync(allModels, []);
  const taxonomies = useAsync(scoringTaxonomies, []);
  const [settingsValid, setSettingsValid] = useState(true);
  // Problems are listed once the user tries to save, not while they are still typing.
  const [attempted, setAttempted] = useState(false);
  const [saved, setSaved] = useState<string | null>(takeFlash);
  const update = (fields: Partial<Draft>) => setDraft((d) => ({ ...d, ...fields }));

  const family = formulas.find((f) => f.name.toLowerCase() === draft.formula.toLowerCase())?.family ?? (draft.formula.toLowerCase().startsWith("polynomial") ? "Polynomial" : draft.formula);
  const polynomial = family === "Polynomial";
  const mayOverwrite = model !== null && model.isEditable && !model.default;

  const save = useAction(async (asNew: boolean) => {
    const body = toModelDraft(draft, family);
    const result = asNew || !model ? await addModel(body) : await editModel(model.id, body);
    const message = `Saved as model ${result.id}, “${result.name}”.`;
    if (asNew || !model) {
      // From now on the tool edits the new model, so "Save" goes over it.
      setFlash(message);
      navigate(`/models/${result.id}/edit`, { replace: true });
    } else setSaved(message);
  });

  const showTab = (id: Tab) => navigate(withQuery(location.pathname, { tab: id === "decay" ? undefined : id }), { replace: true });

  const problems: string[] = [];
  if (draft.name.trim() === "") problems.push("Give the model a name.");
  if (polynomial && !(draft.lifetime > 0)) problems.push("The lifetime must be more than 0 days.");
  if (polynomial && !(draft.decaySpeed > 0)) problems.push("The decay speed must be more than 0.");
  if (!settingsValid) problems.push("The formula settings are not valid JSON.");

  const submit = (asNew: boolean) => (event: Event) => {
    event.preventDefault();
    setSaved(null);
    setAttempted(true);
    if (problems.length === 0) void save.run(asNew);
  };

  return (
    <section class="tool">
      <div class="page-title">
        <h1>{model ? `Model tool: ${model.name}` : "Model tool: new model"}</h1>
        {model && <Link href={`/models/${model.id}`}>View this model</Link>}
      </div>
      <ErrorMessage error={formulasError} />
      {model?.default && <p class="notice notice-warning">This is a built-in model: it cannot be changed, but you can save your version as a new model.</p>}
      {model && !model.default && !model.isEditable && <p class="notice notice-warning">This model belongs to another organisation: you can save your version as a new model.</p>}

      <form class="card save-form" onSubmit={submit(!mayOverwrite)} aria-label="Save the model">
        <div class="field">
          <label for="model-name">Name</label>
          <input id="model-name" required maxLength={255} value={draft.name} onInput={(e) => update({ name: (e.currentTarget as HTMLInputElement).value })} />
        </div>
        <div class="field grow">
          <label for="model-description">Description</label>
          <input id="model-description" value={draft.description} onInput={(e) => update({ description: (e.currentTarget as HTMLInputElement).value })} />
        </div>
        <label class="choice-inline">
          <input type="checkbox" checked={draft.allOrgs} onChange={(e) => update({ allOrgs: (e.currentTarget as HTMLInputElement).checked })} />
          Share with every organisation
        </label>
        <label class="choice-inline">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => update({ enabled: (e.currentTarget as HTMLInputElement).checked })} />
          Enabled
        </label>
        <div class="button-row">
          {mayOverwrite && (
            <button type="submit" class="button-primary" disabled={!canSave || save.busy}>
              Save
            </button>
          )}
          <button type="button" class={mayOverwrite ? "" : "button-primary"} disabled={!canSave || save.busy} onClick={submit(true)}>
            Save as new
          </button>
          {model && (
            <Link class="button" href={withQuery("/simulation", { model: model.id })}>
              Simulate
            </Link>
          )}
        </div>
        {!canSave && <p class="help">Your role may not create or change decaying models.</p>}
        {attempted && problems.length > 0 && save.error === null && (
          <ul class="field-error" aria-live="polite">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        <ErrorMessage error={save.error} />
        {saved && <Success>{saved}</Success>}
      </form>

      <div class="tabs" role="tablist" aria-label="Parts of the model">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => showTab(t.id)}
            onKeyDown={(event) => {
              // Arrow keys move between tabs, as in any tab list; Tab moves on into the panel.
              const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
              if (step === undefined) return;
              event.preventDefault();
              const next = TABS[(TABS.findIndex((x) => x.id === tab) + step + TABS.length) % TABS.length]!;
              showTab(next.id);
              document.getElementById(`tab-${next.id}`)?.focus();
            }}
          >
            {t.label}
          </button>
        ))}
      </div>

      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="card">
        {tab === "decay" && (
          <DecayPanel formulas={formulas} draft={draft} family={family} update={update} onSettingsValidity={setSettingsValid} />
        )}
        {tab === "base-score" &&
          (taxonomies.data ? (
            <BaseScoreConfigurator
              taxonomies={taxonomies.data.taxonomies}
              excluded={taxonomies.data.excluded}
              weights={draft.weights}
              onWeights={(weights) => update({ weights })}
              defaultBaseScore={draft.defaultBaseScore}
              onDefaultBaseScore={(defaultBaseScore) => update({ defaultBaseScore })}
            />
          ) : taxonomies.error ? (
            <ErrorMessage error={taxonomies.error} onRetry={taxonomies.reload} />
          ) : (
            <Loading what="Loading the taxonomies" />
          ))}
        {tab === "types" &&
          (types.data ? (
            <TypeMapping types={types.data} selected={draft.types} onChange={(t) => update({ types: t })} models={others.data ?? []} {...(model ? { currentId: model.id } : {})} />
          ) : types.error ? (
            <ErrorMessage error={types.error} onRetry={types.reload} />
          ) : (
            <Loading what="Loading the attribute types" />
          ))}
      </div>
    </section>
  );
}

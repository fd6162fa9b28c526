/** The simulation's model, and other parameters to try on it without saving them. */
import { useState } from "preact/hooks";
import type { DecayingModel } from "../../api/models.js";
import { Link } from "../link.js";

export type Overrides = Partial<Record<"lifetime" | "decay_speed" | "threshold", number>>;

export function ModelChooser({ models, model, overrides, onModel, onOverrides }: { models: DecayingModel[]; model: DecayingModel | null; overrides: Overrides; onModel(id: string): void; onOverrides(o: Overrides): void }) {
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

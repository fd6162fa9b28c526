/**
 * The formula, including plug-ins, each with its description. Sightings gets a form for its three
 * settings; a plug-in formula gets its settings as JSON, since only its author knows their shape.
 */
import { useEffect, useId, useState } from "preact/hooks";
import type { FormulaInfo } from "../../api/models.js";

interface Props {
  formulas: FormulaInfo[];
  value: string;
  onChange(name: string): void;
}

export function FormulaPicker({ formulas, value, onChange }: Props) {
  const name = useId();
  const current = value.toLowerCase();
  return (
    <fieldset class="formula-picker">
      <legend>Formula</legend>
      {formulas.map((formula) => (
        <label key={formula.name} class="choice">
          <input type="radio" name={name} value={formula.name} checked={formula.name.toLowerCase() === current} onChange={() => onChange(formula.name)} />
          <span>
            <strong>{formula.name}</strong>
            <span class="help">{formula.description}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

const SIGHTINGS_SETTINGS = [
  { key: "minimum_sightings", label: "Minimum sightings", help: "Below this many sightings the score stays at the base score.", fallback: 1 },
  { key: "true_positive_offset", label: "True-positive offset", help: "Added to the true positives (and to the total).", fallback: 0 },
  { key: "false_positive_offset", label: "False-positive offset", help: "Added to the total only.", fallback: 0 },
] as const;

export function SightingsSettings({ settings, onChange }: { settings: Record<string, unknown>; onChange(settings: Record<string, unknown>): void }) {
  const id = useId();
  return (
    <fieldset>
      <legend>Sightings settings</legend>
      <p class="help">Score = base score × (true positives + offset) ÷ (all sightings + both offsets), once there are enough sightings.</p>
      {SIGHTINGS_SETTINGS.map((s) => (
        <div key={s.key} class="field">
          <label for={`${id}-${s.key}`}>{s.label}</label>
          <input
            id={`${id}-${s.key}`}
            type="number"
            min={0}
            step={1}
            value={Number(settings[s.key] ?? s.fallback)}
            onInput={(e) => onChange({ ...settings, [s.key]: Number((e.currentTarget as HTMLInputElement).value) })}
          />
          <p class="help">{s.help}</p>
        </div>
      ))}
    </fieldset>
  );
}

export function JsonSettings({ settings, onChange, onValidity }: { settings: Record<string, unknown>; onChange(settings: Record<string, unknown>): void; onValidity(valid: boolean): void }) {
  const id = useId();
  const [text, setText] = useState(() => JSON.stringify(settings, null, 2));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => onValidity(error === null), [error]);
  const read = (value: string) => {
    setText(value);
    try {
      const parsed: unknown = JSON.parse(value || "{}");
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("settings must be a JSON object");
      setError(null);
      onChange(parsed as Record<string, unknown>);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <div class="field">
      <label for={id}>Formula settings (JSON)</label>
      <textarea id={id} rows={6} spellcheck={false} value={text} onInput={(e) => read((e.currentTarget as HTMLTextAreaElement).value)} aria-invalid={error !== null} />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The model tool's decay tab: the formula, the parameters with their sliders, and, for the
 * polynomial family, the live curve with its handles and the expiry figures.
 */
import type { FormulaInfo } from "../../api/models.js";
import type { Draft } from "../../lib/model-draft.js";
import { SliderField } from "../slider-field.js";
import { DecayChart } from "./decay-chart.js";
import { DecayFigures } from "./decay-figures.js";
import { FormulaPicker, JsonSettings, SightingsSettings } from "./formula-picker.js";

interface Props {
  formulas: FormulaInfo[];
  draft: Draft;
  /** The chosen formula's family: "Polynomial" draws a curve; "Sightings" has its own settings. */
  family: string;
  update(fields: Partial<Draft>): void;
  onSettingsValidity(valid: boolean): void;
}

export function DecayPanel({ formulas, draft, family, update, onSettingsValidity }: Props) {
  const polynomial = family === "Polynomial";
  return (
    <div class="decay-panel">
      <div class="decay-inputs">
        <FormulaPicker formulas={formulas} value={draft.formula} onChange={(formula) => update({ formula })} />
        {polynomial && (
          <>
            <SliderField label="Lifetime" unit="days" value={draft.lifetime} onChange={(lifetime) => update({ lifetime })} min={0} max={365} step={1} help="The score reaches 0 after this many days." testId="lifetime" />
            <SliderField label="Decay speed" value={draft.decaySpeed} onChange={(decaySpeed) => update({ decaySpeed })} min={0} max={10} step={0.01} help="1 decays evenly; above 1 it falls fast and then flattens; below 1 it holds and then drops." testId="decay-speed" />
          </>
        )}
        <SliderField label="Threshold" value={draft.threshold} onChange={(threshold) => update({ threshold })} min={0} max={100} step={1} help="Below this score an attribute is decayed." testId="threshold" />
        {family === "Sightings" && <SightingsSettings settings={draft.settings} onChange={(settings) => update({ settings })} />}
        {!polynomial && family !== "Sightings" && <JsonSettings settings={draft.settings} onChange={(settings) => update({ settings })} onValidity={onSettingsValidity} />}
      </div>
      <div class="decay-preview">
        {polynomial && draft.lifetime > 0 && draft.decaySpeed > 0 ? (
          <>
            <DecayChart
              lifetime={draft.lifetime}
              decaySpeed={draft.decaySpeed}
              threshold={draft.threshold}
              onThreshold={(threshold) => update({ threshold })}
              onDecaySpeed={(decaySpeed) => update({ decaySpeed })}
            />
            <p class="help">Drag the red dot or line to set the threshold, and the blue dot to bend the curve.</p>
            <DecayFigures lifetime={draft.lifetime} decaySpeed={draft.decaySpeed} threshold={draft.threshold} />
          </>
        ) : polynomial ? (
          <p class="notice notice-warning">The curve needs a lifetime and a decay speed above 0.</p>
        ) : (
          <p class="notice notice-empty">This formula does not decay with age along a curve the tool can draw. Simulate the saved model on real attributes to see its scores.</p>
        )}
      </div>
    </div>
  );
}

/**
 * A number with its slider: both edit the same value. The slider's range is a convenience; the
 * number field accepts any value the model allows (a lifetime of 400 days, say).
 */
import { useId } from "preact/hooks";

interface Props {
  label: string;
  value: number;
  onChange(value: number): void;
  min: number;
  max: number;
  step: number;
  /** Unit or hint after the field ("days"). */
  unit?: string;
  help?: string;
  testId?: string;
}

export function SliderField({ label, value, onChange, min, max, step, unit, help, testId }: Props) {
  const id = useId();
  const read = (event: Event) => {
    const number = Number((event.currentTarget as HTMLInputElement).value);
    if (Number.isFinite(number)) onChange(number);
  };
  return (
    <div class="slider-field">
      <label for={id}>{label}</label>
      <div class="slider-field-inputs">
        <input
          id={id}
          type="number"
          value={value}
          min={min}
          step={step}
          onInput={read}
          aria-describedby={help ? `${id}-help` : undefined}
          data-testid={testId}
        />
        {unit && <span class="unit">{unit}</span>}
        <input type="range" aria-label={`${label} slider`} min={min} max={max} step={step} value={Math.min(max, Math.max(min, value))} onInput={read} />
      </div>
      {help && (
        <p id={`${id}-help`} class="help">
          {help}
        </p>
      )}
    </div>
  );
}

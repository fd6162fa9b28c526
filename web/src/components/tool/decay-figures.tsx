/** "Expires after" and "half-life", in days and hours, for a base score of 100 (as MISP's tool shows them). */
import { daysAndHours, expiresAfter, halfLife } from "../../lib/decay.js";

export function DecayFigures({ lifetime, decaySpeed, threshold }: { lifetime: number; decaySpeed: number; threshold: number }) {
  const valid = lifetime > 0 && decaySpeed > 0;
  return (
    <dl class="figures" aria-live="polite">
      <div>
        <dt>Expires after</dt>
        <dd data-testid="expires-after">{valid ? daysAndHours(expiresAfter(lifetime, decaySpeed, threshold)) : "—"}</dd>
        <dd class="help">when the score falls below the threshold</dd>
      </div>
      <div>
        <dt>Half-life</dt>
        <dd data-testid="half-life">{valid ? daysAndHours(halfLife(lifetime, decaySpeed, threshold)) : "—"}</dd>
        <dd class="help">when the score is halfway between 100 and the threshold</dd>
      </div>
    </dl>
  );
}

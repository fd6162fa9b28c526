/**
 * An attribute's score over time under one model: the hourly score from the server's simulation,
 * a dashed line and a dot at each true-positive sighting, the decayed zone under the threshold,
 * and a line at now. The same points are available as a table, for keyboards and screen readers.
 */
import { useMemo, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import type { SimulationAnswer } from "../../api/simulation.js";
import { formatScore, formatTime } from "../../lib/format.js";
import { drawDot, drawHorizontalLine, drawVerticalLine, shadeBand, UplotChart } from "../uplot-chart.js";

export function SimulationChart({ simulation, now }: { simulation: SimulationAnswer; now: number }) {
  const latest = useRef({ simulation, now });
  latest.current = { simulation, now };
  const data = useMemo<uPlot.AlignedData>(() => [simulation.points.map((p) => p.time), simulation.points.map((p) => p.score)], [simulation]);
  const top = Math.max(100, simulation.base_score_config.base_score, ...simulation.points.map((p) => p.score));

  const build = (width: number): uPlot.Options => ({
    width,
    height: 320,
    scales: { x: { time: true }, y: { range: [0, Math.ceil(top / 10) * 10] } },
    series: [{ label: "Time" }, { label: "Score", stroke: "#1f5fa8", width: 2, points: { show: false }, value: (_u, v) => (v === null ? "—" : formatScore(v)) }],
    axes: [{}, { label: "Score" }],
    cursor: { drag: { x: true, y: false } },
    // Times are shown in UTC, like the rest of the UI.
    tzDate: (ts) => {
      const d = new Date(ts * 1000);
      return new Date(d.getTime() + d.getTimezoneOffset() * 60_000);
    },
  });

  const onDraw = (u: uPlot) => {
    const { simulation: sim, now: at } = latest.current;
    shadeBand(u, 0, sim.threshold, "rgba(198, 40, 40, 0.08)");
    drawHorizontalLine(u, sim.threshold, "#c62828");
    const base = sim.base_score_config.base_score;
    for (const sighting of sim.sightings) {
      if (sighting.synthetic) continue;
      drawVerticalLine(u, sighting.date_sighting, "#e07a00", { dashed: true, fromY: 0, toY: base });
      drawDot(u, sighting.date_sighting, base, "#e07a00");
    }
    drawVerticalLine(u, at, "#333", { label: "now" });
  };

  const realSightings = simulation.sightings.filter((s) => !s.synthetic);
  return (
    <div class="simulation-chart">
      <UplotChart build={build} data={data} redrawKey={simulation} onDraw={onDraw} label="Score over time, with sightings, the threshold and now" testId="simulation-chart" />
      <p class="legend-line">
        <span class="swatch swatch-score" /> score <span class="swatch swatch-sighting" /> true-positive sighting ({realSightings.length})
        <span class="swatch swatch-threshold" /> threshold {formatScore(simulation.threshold)} <span class="swatch swatch-now" /> now
      </p>
      <PointTable simulation={simulation} />
    </div>
  );
}

function PointTable({ simulation }: { simulation: SimulationAnswer }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>The chart's data ({simulation.points.length} points)</summary>
      {open && (
        <div class="table-scroll tall">
          <table class="data-table compact" aria-label="Score over time" data-testid="simulation-points">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col" class="number">Score</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {simulation.points.map((p) => (
                <tr key={p.time} data-time={p.time} data-score={p.score}>
                  <td>{formatTime(p.time)}</td>
                  <td class="number">{formatScore(p.score)}</td>
                  <td>{p.decayed ? "decayed" : "fresh"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </details>
  );
}

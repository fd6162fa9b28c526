/**
 * The live decay curve: score against days for a base score of 100, the threshold line over the
 * decayed zone, and two handles. Dragging the threshold (its line or its dot) sets the threshold;
 * dragging the curve's handle sets the decay speed so that the curve passes through the pointer,
 * by δ = ln(x/τ) / ln(1 − y/100). Both handles also move with the arrow keys.
 */
import { useMemo, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import { curve, curveScore, decaySpeedThrough, expiresAfter } from "../../lib/decay.js";
import { drawHorizontalLine, shadeBand, UplotChart } from "../uplot-chart.js";

interface Props {
  lifetime: number;
  decaySpeed: number;
  threshold: number;
  onThreshold(value: number): void;
  onDecaySpeed(value: number): void;
}

const MIN_SPEED = 0.01;
const MAX_SPEED = 10;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

interface Geometry {
  /** The plotting area's offset inside the wrapper, in CSS pixels. */
  left: number;
  top: number;
  width: number;
  height: number;
}

export function DecayChart({ lifetime, decaySpeed, threshold, onThreshold, onDecaySpeed }: Props) {
  const wrapper = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const [geometry, setGeometry] = useState<Geometry | null>(null);
  // Where the curve's handle sits, as a share of the lifetime (MISP starts it at a quarter).
  const [handleShare, setHandleShare] = useState(0.25);
  const thresholdRef = useRef(threshold);
  thresholdRef.current = threshold;

  const data = useMemo<uPlot.AlignedData>(() => {
    const { days, scores } = curve(lifetime, decaySpeed);
    return [days, scores];
  }, [lifetime, decaySpeed]);

  const build = (width: number): uPlot.Options => ({
    width,
    height: 300,
    scales: { x: { time: false }, y: { range: [0, 100] } },
    series: [{ label: "Days" }, { label: "Score", stroke: "#1f5fa8", width: 2, points: { show: false } }],
    axes: [{ label: "Days" }, { label: "Score" }],
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { show: false } },
  });

  const onDraw = (u: uPlot) => {
    chart.current = u;
    shadeBand(u, 0, thresholdRef.current, "rgba(198, 40, 40, 0.08)");
    drawHorizontalLine(u, thresholdRef.current, "#c62828");
    const over = u.over.getBoundingClientRect();
    const outer = wrapper.current?.getBoundingClientRect();
    if (!outer) return;
    // A new object on every draw: the handles must follow the chart's new scales, even when the
    // plotting area itself stays put.
    setGeometry({ left: over.left - outer.left, top: over.top - outer.top, width: over.width, height: over.height });
  };

  /** Chart values under a pointer position. */
  const valuesAt = (event: PointerEvent): { days: number; score: number } | null => {
    const u = chart.current;
    if (!u) return null;
    const over = u.over.getBoundingClientRect();
    return { days: u.posToVal(event.clientX - over.left, "x"), score: u.posToVal(event.clientY - over.top, "y") };
  };

  const setThresholdFrom = (event: PointerEvent) => {
    const at = valuesAt(event);
    if (at) onThreshold(clamp(Math.round(at.score), 0, 100));
  };

  const setSpeedFrom = (event: PointerEvent) => {
    const at = valuesAt(event);
    if (!at) return;
    const days = clamp(at.days, lifetime * 0.01, lifetime * 0.99);
    const speed = decaySpeedThrough(days, clamp(at.score, 0.5, 99.5), lifetime);
    setHandleShare(days / lifetime);
    if (speed !== null) onDecaySpeed(round(clamp(speed, MIN_SPEED, MAX_SPEED), 2));
  };

  const handleDays = handleShare * lifetime;
  const handleScore = curveScore(handleDays, lifetime, decaySpeed);
  const crossing = expiresAfter(lifetime, decaySpeed, threshold);
  const at = (days: number, score: number) => {
    const u = chart.current;
    if (!u || !geometry) return { left: 0, top: 0 };
    return { left: geometry.left + u.valToPos(days, "x"), top: geometry.top + u.valToPos(score, "y") };
  };
  const thresholdDot = at(crossing, threshold);
  const curveDot = at(handleDays, handleScore);

  const thresholdKeys = (event: KeyboardEvent) => {
    const step = { ArrowUp: 1, ArrowDown: -1, PageUp: 10, PageDown: -10 }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    onThreshold(clamp(threshold + step, 0, 100));
  };
  const curveKeys = (event: KeyboardEvent) => {
    // A higher curve is a slower decay: a smaller decay speed.
    const speed = { ArrowUp: -0.1, ArrowDown: 0.1 }[event.key];
    const share = { ArrowLeft: -0.05, ArrowRight: 0.05 }[event.key];
    if (speed === undefined && share === undefined) return;
    event.preventDefault();
    if (speed !== undefined) onDecaySpeed(round(clamp(decaySpeed + speed, MIN_SPEED, MAX_SPEED), 2));
    if (share !== undefined) setHandleShare(clamp(handleShare + share, 0.05, 0.95));
  };

  return (
    <div class="decay-chart" ref={wrapper}>
      <UplotChart build={build} data={data} redrawKey={threshold} onDraw={onDraw} label="Decay curve: score against days, for a base score of 100" testId="decay-chart" />
      {geometry && (
        <>
          <div
            class="threshold-line-handle"
            style={{ left: `${geometry.left}px`, width: `${geometry.width}px`, top: `${thresholdDot.top}px` }}
            onPointerDown={(e) => startDrag(e, setThresholdFrom)}
            data-testid="threshold-line"
            aria-hidden="true"
          />
          <div
            class="chart-handle handle-threshold"
            style={{ left: `${thresholdDot.left}px`, top: `${thresholdDot.top}px` }}
            role="slider"
            tabIndex={0}
            aria-label="Threshold (drag up or down)"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={threshold}
            onPointerDown={(e) => startDrag(e, setThresholdFrom)}
            onKeyDown={thresholdKeys}
            data-testid="threshold-handle"
          />
          <div
            class="chart-handle handle-curve"
            style={{ left: `${curveDot.left}px`, top: `${curveDot.top}px` }}
            role="slider"
            tabIndex={0}
            aria-label="Decay speed (drag the curve)"
            aria-valuemin={MIN_SPEED}
            aria-valuemax={MAX_SPEED}
            aria-valuenow={decaySpeed}
            onPointerDown={(e) => startDrag(e, setSpeedFrom)}
            onKeyDown={curveKeys}
            data-testid="curve-handle"
          />
        </>
      )}
    </div>
  );
}

/** Follows the pointer until it is released, even outside the element. */
function startDrag(event: PointerEvent, move: (event: PointerEvent) => void): void {
  event.preventDefault();
  const target = event.currentTarget as HTMLElement;
  target.setPointerCapture(event.pointerId);
  target.focus();
  const onMove = (e: PointerEvent) => move(e);
  const onUp = (e: PointerEvent) => {
    move(e);
    target.removeEventListener("pointermove", onMove);
    target.removeEventListener("pointerup", onUp);
    target.removeEventListener("pointercancel", onUp);
  };
  target.addEventListener("pointermove", onMove);
  target.addEventListener("pointerup", onUp);
  target.addEventListener("pointercancel", onUp);
}

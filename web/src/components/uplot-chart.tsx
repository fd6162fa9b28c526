/**
 * uPlot in a Preact component: built once with the container's width, fed new data on every
 * render, resized with its container. Drawing hooks read the caller's latest state through refs,
 * so a change of threshold is a redraw, not a new chart.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

interface Props {
  /** The chart's options for a width in CSS pixels; used when the chart is built. */
  build(width: number): uPlot.Options;
  data: uPlot.AlignedData;
  /** Changing this redraws the chart (for hooks that draw from refs). */
  redrawKey?: unknown;
  /** Given the chart once it exists, and after each redraw. */
  onDraw?(chart: uPlot): void;
  label: string;
  testId?: string;
}

export function UplotChart({ build, data, redrawKey, onDraw, label, testId }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const drawn = useRef(onDraw);
  drawn.current = onDraw;

  useEffect(() => {
    const element = container.current!;
    const options = build(Math.max(320, element.clientWidth));
    options.hooks = { ...options.hooks, draw: [...(options.hooks?.draw ?? []), (u: uPlot) => drawn.current?.(u)] };
    const instance = new uPlot(options, data, element);
    chart.current = instance;
    const observer = new ResizeObserver(() => {
      const width = Math.max(320, element.clientWidth);
      if (Math.abs(width - instance.width) > 1) instance.setSize({ width, height: instance.height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      instance.destroy();
      chart.current = null;
    };
    // Built once; data and redraws are handled below.
  }, []);

  useEffect(() => {
    chart.current?.setData(data);
  }, [data]);

  useEffect(() => {
    chart.current?.redraw(false, true);
  }, [redrawKey]);

  return <div ref={container} class="chart" role="group" aria-label={label} data-testid={testId} />;
}

/** Draws a dashed line across the plot at a y value (in the "y" scale). */
export function drawHorizontalLine(u: uPlot, y: number, colour: string): void {
  const ctx = u.ctx;
  const top = u.valToPos(y, "y", true);
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5 * devicePixelRatio;
  ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
  ctx.beginPath();
  ctx.moveTo(u.bbox.left, top);
  ctx.lineTo(u.bbox.left + u.bbox.width, top);
  ctx.stroke();
  ctx.restore();
}

/** Shades the band between two y values (the decayed zone under the threshold). */
export function shadeBand(u: uPlot, from: number, to: number, colour: string): void {
  const ctx = u.ctx;
  const top = u.valToPos(to, "y", true);
  const bottom = u.valToPos(from, "y", true);
  ctx.save();
  ctx.fillStyle = colour;
  ctx.fillRect(u.bbox.left, Math.min(top, bottom), u.bbox.width, Math.abs(bottom - top));
  ctx.restore();
}

/** A vertical line at an x value, optionally with a label at its top. */
export function drawVerticalLine(u: uPlot, x: number, colour: string, options: { dashed?: boolean; label?: string; fromY?: number; toY?: number } = {}): void {
  const ctx = u.ctx;
  const left = u.valToPos(x, "x", true);
  if (left < u.bbox.left - 1 || left > u.bbox.left + u.bbox.width + 1) return;
  const top = options.toY === undefined ? u.bbox.top : u.valToPos(options.toY, "y", true);
  const bottom = options.fromY === undefined ? u.bbox.top + u.bbox.height : u.valToPos(options.fromY, "y", true);
  ctx.save();
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5 * devicePixelRatio;
  if (options.dashed) ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, bottom);
  ctx.stroke();
  if (options.label) {
    ctx.setLineDash([]);
    ctx.fillStyle = colour;
    ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.fillText(options.label, left + 4 * devicePixelRatio, top + 12 * devicePixelRatio);
  }
  ctx.restore();
}

/** A filled dot at (x, y). */
export function drawDot(u: uPlot, x: number, y: number, colour: string, radius = 4): void {
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = colour;
  ctx.beginPath();
  ctx.arc(u.valToPos(x, "x", true), u.valToPos(y, "y", true), radius * devicePixelRatio, 0, 2 * Math.PI);
  ctx.fill();
  ctx.restore();
}

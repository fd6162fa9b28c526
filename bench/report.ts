// The figures a benchmark reports, and how they are printed.
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The target as text ("≥ 50", "< 50 ms"), when SPEC §11 sets one. */
  target?: string;
  ok?: boolean;
  note?: string;
}

export function formatResults(results: readonly BenchResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  return results
    .map((r) => {
      const value = r.value >= 100 ? r.value.toFixed(0) : r.value >= 10 ? r.value.toFixed(1) : r.value.toFixed(2);
      const target = r.target ? `  target ${r.target}${r.ok === undefined ? "" : r.ok ? "  ok" : "  MISSED"}` : "";
      const note = r.note ? `  (${r.note})` : "";
      return `${r.name.padEnd(width)}  ${value.padStart(10)} ${r.unit}${target}${note}`;
    })
    .join("\n");
}

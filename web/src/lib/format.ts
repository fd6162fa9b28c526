/** How the UI writes dates and numbers. Dates are shown in UTC, as MISP stores them. */

/** "2026-01-02 13:05 UTC" from Unix seconds (or a numeric string). */
export function formatTime(seconds: number | string | null | undefined): string {
  const n = Number(seconds);
  if (seconds === null || seconds === undefined || !Number.isFinite(n) || n <= 0) return "—";
  return `${new Date(n * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** A score with two decimals, as MISP shows it. */
export const formatScore = (score: number) => (Number.isFinite(score) ? score.toFixed(2) : "—");

/** A share as a percentage with one decimal. */
export const formatShare = (share: number) => `${(share * 100).toFixed(1)} %`;

/** A number without trailing zeros (4 decimals at most, as MISP stores parameters). */
export const formatNumber = (value: number) => String(Math.round(value * 10_000) / 10_000);

/** A file name from a model name: letters, digits and dashes. */
export function fileNameFor(name: string, extension = "json"): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "model";
  return `${base}.${extension}`;
}

/** Offers a JSON document to the user as a file download. */
export function downloadJson(data: unknown, fileName: string): void {
  const blob = new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: some browsers start the download only after the click handler returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

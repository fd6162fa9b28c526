/**
 * MISP's CSV export of attributes. With decay scores it adds two columns, as MISP does:
 * `decay_score_score`, the mean of the models' scores, and `decay_score_decayed`, true when ANY
 * model says decayed (unlike excludeDecayed, which needs all of them). Unscored attributes get 0
 * and false.
 *
 * In safe mode (the default; `safeCsv: 0` or HALFLIFE_CSV_SAFE=false turn it off) a cell that a
 * spreadsheet would run as a formula is neutralised as OWASP recommends: when it starts with
 * = + - @, a tab or a carriage return it gets a leading single quote, so `=HYPERLINK(…)` from
 * another organisation's event shows as text instead of running. A cell that is a plain number
 * (`-1`, `+15551234567`) is left alone: spreadsheets read it as a number, not a formula.
 */
import type { AttributeView } from "../core/domain.js";

export const DEFAULT_CSV_COLUMNS = [
  "uuid",
  "event_id",
  "category",
  "type",
  "value",
  "comment",
  "to_ids",
  "date",
  "object_relation",
  "attribute_tag",
  "object_uuid",
  "object_name",
  "object_meta_category",
] as const;

const DECAY_COLUMNS = ["decay_score_score", "decay_score_decayed"];

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A cell as a spreadsheet will show it, not run it.
 *
 * @example neutraliseFormula('=HYPERLINK("http://x")') === `'=HYPERLINK("http://x")`
 * @example neutraliseFormula("-12.5") === "-12.5"
 */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

export interface CsvOptions {
  /** Neutralise cells that a spreadsheet would run as formulas. */
  safe: boolean;
}

const cell = (value: string, options: CsvOptions) => quote(options.safe ? neutraliseFormula(value) : value);

function column(view: AttributeView, name: string): string {
  const a = view.attribute;
  switch (name) {
    case "uuid":
      return a.uuid;
    case "event_id":
      return String(a.event_id);
    case "date":
      return new Date(a.timestamp * 1000).toISOString().slice(0, 10).replaceAll("-", "");
    case "to_ids":
      return a.to_ids ? "1" : "0";
    case "attribute_tag":
      return [...view.tags, ...(view.eventTags ?? [])].map((link) => link.tag.name).join(",");
    case "object_uuid":
      return view.object?.uuid ?? "";
    case "object_name":
      return view.object?.name ?? "";
    case "object_meta_category":
      return view.object?.meta_category ?? "";
    case "object_relation":
      return a.object_relation ?? "";
    case "event_info":
      return view.event?.info ?? "";
    case "decay_score_score": {
      // A model whose formula failed has no score to average.
      const scores = (view.decayScore ?? []).flatMap((s) => (s.score === undefined ? [] : [s.score]));
      return String(scores.length ? scores.reduce((sum, s) => sum + s, 0) / scores.length : 0);
    }
    case "decay_score_decayed":
      return String((view.decayScore ?? []).some((s) => s.decayed));
    default: {
      const value = (a as unknown as Record<string, unknown>)[name];
      return value === null || value === undefined ? "" : typeof value === "boolean" ? (value ? "1" : "0") : String(value);
    }
  }
}

export function csvColumns(requested: readonly string[] | undefined, withDecay: boolean): string[] {
  const base = requested?.length ? [...requested] : [...DEFAULT_CSV_COLUMNS];
  return withDecay ? [...base, ...DECAY_COLUMNS.filter((c) => !base.includes(c))] : base;
}

export function csvHeader(columns: readonly string[], options: CsvOptions): string {
  return `${columns.map((name) => cell(name, options)).join(",")}\n`;
}

export function csvRows(views: readonly AttributeView[], columns: readonly string[], options: CsvOptions): string {
  return views.map((view) => `${columns.map((name) => cell(column(view, name), options)).join(",")}\n`).join("");
}

/**
 * Numbers the way MISP's PHP sees them. MISP data arrives with numbers as JSON numbers or as
 * numeric strings ("55", " 1e2", "0.5 "), and the scoring rules depend on PHP's `is_numeric`.
 */

// PHP 8 numeric strings: optional leading and trailing whitespace, an optional sign, digits with
// an optional decimal point (at least one digit somewhere), and an optional exponent. No hex, no
// "Infinity", no underscores.
const NUMERIC_STRING = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*$/;

/**
 * PHP's `is_numeric`: true for numbers and numeric strings, false for everything else
 * (null, booleans, "", "abc", "0x1A").
 *
 * @example isNumeric("55") === true; isNumeric(" 1e2 ") === true; isNumeric(null) === false
 */
export function isNumeric(value: unknown): value is number | string {
  if (typeof value === "number") return !Number.isNaN(value);
  if (typeof value === "string") return NUMERIC_STRING.test(value);
  return false;
}

/**
 * The number a numeric value stands for, or undefined when it is not numeric.
 *
 * @example toNumber("0.25") === 0.25; toNumber("abc") === undefined
 */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isNaN(value) ? undefined : value;
  if (typeof value === "string" && NUMERIC_STRING.test(value)) return Number(value.trim());
  return undefined;
}

/**
 * PHP's `floatval`: the leading number of a string ("0.5abc" → 0.5), 0 when there is none,
 * 1/0 for booleans. Used where MISP casts configuration values without checking them.
 *
 * @example floatval("0.1667") === 0.1667; floatval(null) === 0
 */
export function floatval(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value !== "string") return 0;
  const match = /^[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(value);
  return match ? Number(match[0].trim()) : 0;
}

/**
 * PHP's `round($value, 4)`, which MISP applies to every model parameter on save: halves round
 * away from zero, after the same "pre-rounding" that makes round(1.00005, 4) give 1.0001.
 *
 * @example roundTo4(0.16666) === 0.1667; roundTo4(-0.00005) === -0.0001
 */
export function roundTo4(value: number): number {
  if (!Number.isFinite(value)) return value;
  const scaled = Math.abs(value) * 10_000;
  // Pre-round to 15 significant digits so that representation error (1.00005 is stored as
  // 1.0000499999...) does not defeat the half-up rule, as PHP does.
  const preRounded = Number(scaled.toPrecision(15));
  const rounded = Math.floor(preRounded + 0.5) / 10_000;
  return value < 0 ? -rounded : rounded;
}

/**
 * MISP's lenient input, parsed strictly into typed values: numbers as JSON numbers or numeric
 * strings, booleans as true/false, 0/1, "0"/"1", bodies bare or wrapped (`request`, `Event`,
 * `Attribute`...). Every refusal is a typed INVALID_INPUT error naming the field.
 */
import { z } from "zod";
import { invalidInput } from "../core/errors.js";

/** An integer, given as a number or a string of digits. */
export const mispInt = z.preprocess((value) => (typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value), z.number().int().safe());

/** A boolean as MISP clients send them. */
export const mispBool = z.preprocess((value) => {
  if (value === true || value === 1 || value === "1" || value === "true") return true;
  if (value === false || value === 0 || value === "0" || value === "false" || value === "") return false;
  return value;
}, z.boolean());

/** Text; numbers are accepted and turned into text (PyMISP may send a numeric value as a number). */
export const mispText = (max = 65_535) =>
  z.preprocess((value) => (typeof value === "number" && Number.isFinite(value) ? String(value) : value), z.string().max(max));

export const uuidString = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be a UUID").transform((u) => u.toLowerCase());

export const distribution = z.preprocess((v) => (typeof v === "string" && /^\d$/.test(v) ? Number(v) : v), z.number().int().min(0).max(5));

/** A timestamp, or null for "unset" (first_seen, last_seen): ISO-8601 text or Unix seconds. */
export const optionalDate = z.union([z.null(), z.string().max(64), z.number()]).optional();

/** A tag reference inside an event or attribute: `{ name, local }`, or just a name. */
export const tagReference = z.preprocess(
  (value) => (typeof value === "string" ? { name: value } : value),
  z.looseObject({ name: z.string().min(1).max(255), local: mispBool.optional() }),
);

export const sightingInput = z.looseObject({
  uuid: uuidString.optional(),
  type: mispInt.pipe(z.number().int().min(0).max(2)).optional(),
  date_sighting: mispInt.optional(),
  source: z.string().max(255).optional(),
  org_id: mispInt.optional(),
  Organisation: z.looseObject({ name: z.string().optional(), uuid: z.string().optional() }).optional(),
});

export const attributeInput = z.looseObject({
  uuid: uuidString.optional(),
  type: z.string().min(1).max(100),
  category: z.string().max(255).optional(),
  value: mispText(131_071),
  to_ids: mispBool.optional(),
  comment: mispText().optional(),
  distribution: distribution.optional(),
  sharing_group_id: mispInt.optional(),
  timestamp: mispInt.optional(),
  first_seen: optionalDate,
  last_seen: optionalDate,
  object_relation: z.string().max(255).nullable().optional(),
  deleted: mispBool.optional(),
  disable_correlation: mispBool.optional(),
  Tag: z.array(tagReference).optional(),
  Sighting: z.array(sightingInput).optional(),
});

export type AttributeInput = z.infer<typeof attributeInput>;

/** The fields attributes/edit may change; all optional, and only those named change. */
export const attributeEdit = attributeInput
  .omit({ Tag: true, Sighting: true })
  .partial()
  .extend({ id: z.unknown().optional(), event_id: z.unknown().optional() });

export type AttributeEdit = z.infer<typeof attributeEdit>;

export const objectInput = z.looseObject({
  uuid: uuidString.optional(),
  name: z.string().min(1).max(255),
  "meta-category": z.string().max(255).optional(),
  meta_category: z.string().max(255).optional(),
  description: mispText().optional(),
  template_uuid: z.string().max(64).optional(),
  template_version: mispText(64).optional(),
  comment: mispText().optional(),
  distribution: distribution.optional(),
  sharing_group_id: mispInt.optional(),
  timestamp: mispInt.optional(),
  first_seen: optionalDate,
  last_seen: optionalDate,
  deleted: mispBool.optional(),
  Attribute: z.array(attributeInput).optional(),
});

export type ObjectInput = z.infer<typeof objectInput>;

const orgReference = z.looseObject({ name: z.string().max(255).optional(), uuid: z.string().max(64).optional() });

export const eventInput = z.looseObject({
  uuid: uuidString.optional(),
  info: mispText().pipe(z.string().min(1, "is required")),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD").optional(),
  threat_level_id: mispInt.pipe(z.number().int().min(1).max(4)).optional(),
  analysis: mispInt.pipe(z.number().int().min(0).max(2)).optional(),
  distribution: distribution.optional(),
  sharing_group_id: mispInt.optional(),
  published: mispBool.optional(),
  timestamp: mispInt.optional(),
  publish_timestamp: mispInt.optional(),
  disable_correlation: mispBool.optional(),
  extends_uuid: z.string().max(64).optional(),
  Tag: z.array(tagReference).optional(),
  Attribute: z.array(attributeInput).optional(),
  Object: z.array(objectInput).optional(),
  Orgc: orgReference.optional(),
  Org: orgReference.optional(),
});

export type EventInput = z.infer<typeof eventInput>;

/** events/edit: the event's own fields (all optional), plus attributes to add or update by uuid. */
export const eventEdit = eventInput.partial().extend({ id: z.unknown().optional() });
export type EventEdit = z.infer<typeof eventEdit>;

/** Turns a zod failure into a typed error naming the first offending field ("Attribute.3.value"). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, root = ""): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [root, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  throw invalidInput(path || "body", message.replace(/^Invalid input: /, ""));
}

/**
 * The payload of a MISP request body: `{"request": X}` and `{"<Model>": X}` wrappers are removed
 * (in that order), and a bare object is taken as it is.
 */
export function unwrapBody(body: unknown, model?: string): unknown {
  let value = body;
  if (isObject(value) && "request" in value && Object.keys(value).length === 1) value = value.request;
  if (model && isObject(value) && isObject(value[model]) && Object.keys(value).length === 1) value = value[model];
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** What a value is, for messages that say what was received ("a list", "the text \"abc\""). */
export function describeReceived(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Words PHP reads as true (any non-empty text but "0") that plainly mean false to whoever sent them. */
const FALSE_WORDS = new Set(["false", "no", "off", "null", "none"]);

/**
 * A restSearch flag, read as MISP reads it: PHP's truthiness (`!empty($value)`). False: false, 0,
 * 0.0, "0", "" and null; true: every other number and every other text ("1", "2", "True",
 * "yes", "0.0", " "). Deliberately stricter in two places, so that a request is never answered
 * the opposite of what it says: "false", "no", "off", "null" and "none" (which PHP takes as true)
 * and lists or objects are refused, naming the field and what was received.
 *
 * @example mispFlag.parse("True") === true; mispFlag.parse("0") === false; mispFlag.parse(2) === true
 */
export const mispFlag = z.unknown().transform((value, ctx): boolean => {
  if (value === null || value === undefined || value === false || value === "" || value === "0") return false;
  if (value === true) return true;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "string") {
    if (FALSE_WORDS.has(value.trim().toLowerCase())) {
      ctx.addIssue({ code: "custom", message: `must be a boolean (0 or 1); got ${describeReceived(value)}, which MISP would read as true` });
      return z.NEVER;
    }
    return true;
  }
  ctx.addIssue({ code: "custom", message: `must be a boolean (0 or 1); got ${describeReceived(value)}` });
  return z.NEVER;
});

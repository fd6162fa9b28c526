/**
 * Small helpers for text/plain reports. Indicator values and event titles are hostile input (they
 * come from whoever shared the event), so they are made single-line and printable before they
 * reach a mail body or a subject, and shortened so one huge value cannot bury the report.
 */
import { formatCutoff } from "../core/sweep-rule.js";

const MAX_FIELD = 200;

/**
 * One printable line: control characters (line breaks included) are shown as escapes, and text
 * longer than `max` characters is cut with a note of how much was left out.
 */
export function oneLine(text: string, max = MAX_FIELD): string {
  // Escape C0/C1 controls, DEL, and the Unicode line/paragraph separators: any of them could
  // start a new line in a mail client or forge a header-looking line in the body.
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  const chars = [...escaped];
  if (chars.length <= max) return escaped;
  return `${chars.slice(0, max).join("")}… (${chars.length - max} more characters)`;
}

/** Unix seconds as "YYYY-MM-DD HH:MM:SS UTC". */
export function utc(seconds: number): string {
  return `${formatCutoff(seconds)} UTC`;
}

/** A duration for people: "0 s", "42 s", "3 min 5 s", "2 h 0 min". */
export function duration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${total % 60} s`;
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`;
}

/** "1 event", "2 events". */
export function count(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/**
 * A word as a shell would need it to be typed, so that the undo command in a report can be pasted
 * as it is, whatever the run id looks like: bare when safe, in single quotes otherwise, and in
 * bash's $'…' form when it holds control characters (which must not break the report's lines).
 */
export function shellWord(word: string): string {
  if (/^[A-Za-z0-9._:@%+=,/-]+$/.test(word)) return word;
  // eslint-disable-next-line no-control-regex
  if (!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(word)) return `'${word.replaceAll("'", `'\\''`)}'`;
  return `$'${oneLine(word.replaceAll("\\", "\\\\").replaceAll("'", "\\'"), Number.MAX_SAFE_INTEGER)}'`;
}

/** A URL without its user name, password, query or fragment: safe to print. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return oneLine(url.replace(/\/\/[^/@]*@/, "//"));
  }
}

/**
 * SMTP settings for the sweep report, from the three places they come from: the script's
 * `-o/--mailoptions 'smtp_from=…;smtp_to=…;smtp_server=…'`, an `smtp://` or `smtps://` URL
 * (HALFLIFE_SMTP_URL), and explicit options. Each parser returns only what it was given; the
 * layers are merged by `resolveMailOptions`, which checks the result once.
 *
 * No error message here ever repeats a password: URLs are shown with their password masked.
 */
import { HalflifeError } from "../core/errors.js";

/** How STARTTLS is used on a plain connection: when offered (the default), always, or never. */
export type StartTls = "opportunistic" | "required" | "ignored";

export interface MailOptions {
  host: string;
  port: number;
  /** TLS from the first byte (SMTPS, usually port 465). */
  secure: boolean;
  /** Ignored when `secure` is set: the connection is encrypted already. */
  starttls: StartTls;
  /** Verify the server's certificate (turn off only for a test relay with a self-signed one). */
  verifyTls: boolean;
  user?: string;
  password?: string;
  from: string;
  to: string[];
  /** For connecting, the greeting and every later command. */
  timeoutMs: number;
}

/** A partial layer of settings; `to` may be one address, a comma-separated list or a list. */
export type MailOptionsInput = Partial<Omit<MailOptions, "to">> & { to?: string | readonly string[] };

export const DEFAULT_MAIL_OPTIONS = Object.freeze({
  // The script's default relay: smtplib.SMTP('localhost'), port 25, no TLS, no login.
  host: "localhost",
  starttls: "opportunistic" as StartTls,
  verifyTls: true,
  timeoutMs: 15_000,
});

const STARTTLS_VALUES: readonly StartTls[] = ["opportunistic", "required", "ignored"];

function refuse(field: string, reason: string): HalflifeError {
  return new HalflifeError("INVALID_INPUT", `${field} ${reason}`, { field });
}

/** "host", "host:port", "[::1]:port" → host and optional port. */
function splitServer(server: string, field: string): { host: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  const plain = /^([^:\s/[\]]+)(?::(\d+))?$/.exec(server);
  const match = bracketed ?? plain;
  if (!match?.[1]) throw refuse(field, `must be a host name or a host:port, got ${JSON.stringify(server)}`);
  return match[2] === undefined ? { host: match[1] } : { host: match[1], port: parsePort(match[2], field) };
}

function parsePort(text: string, field: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65_535) throw refuse(field, `has a port that is not 1 to 65535: ${JSON.stringify(text)}`);
  return port;
}

/**
 * Reads the script's `-o/--mailoptions` value: `;`-separated `key=value` pairs with the keys
 * `smtp_from`, `smtp_to` and `smtp_server` (`host` or `host:port`, as Python's smtplib takes it).
 * Beyond the script: `smtp_to` may list several addresses separated by commas. Unlike the script,
 * an unknown key or a pair without `=` is refused instead of silently ignored: a typo would
 * otherwise send the report to the default relay.
 *
 * @example parseMailOptions("smtp_from=misp@example.org;smtp_to=soc@example.org;smtp_server=mail:2525")
 *          // → { from: "misp@example.org", to: ["soc@example.org"], host: "mail", port: 2525 }
 * @throws HalflifeError INVALID_INPUT naming `--mailoptions`.
 */
export function parseMailOptions(text: string): MailOptionsInput {
  const field = "--mailoptions";
  const result: MailOptionsInput = {};
  for (const pair of text.split(";")) {
    if (pair.trim() === "") continue;
    const at = pair.indexOf("=");
    if (at < 0) throw refuse(field, `expects key=value pairs separated by ";", got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (value === "") throw refuse(field, `has an empty value for ${key}`);
    if (key === "smtp_from") result.from = value;
    else if (key === "smtp_to") result.to = splitAddresses(value);
    else if (key === "smtp_server") Object.assign(result, splitServer(value, field));
    else throw refuse(field, `has an unknown key ${JSON.stringify(key)} (known: smtp_from, smtp_to, smtp_server)`);
  }
  return result;
}

/** A URL as it may be shown: the password replaced by "***". */
export function maskUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return text.replace(/(\/\/[^:/@]*:)[^@/]*@/, "$1***@");
  }
}

/**
 * Reads an SMTP URL: `smtp://[user[:password]@]host[:port]` (port 587 by default, STARTTLS when
 * offered) or `smtps://…` (TLS from the start, port 465 by default). User and password are
 * percent-decoded. Optional query parameters: `starttls=required|ignored|opportunistic`,
 * `verify_tls=false`, `from=…`, `to=a@x,b@y`, `timeout_ms=…`.
 *
 * @example parseSmtpUrl("smtp://bot:s3cret@mail.example:587?starttls=required")
 *          // → { host: "mail.example", port: 587, secure: false, starttls: "required", user: "bot", password: "s3cret" }
 * @throws HalflifeError INVALID_INPUT naming `HALFLIFE_SMTP_URL`, with the password masked.
 */
export function parseSmtpUrl(text: string, field = "HALFLIFE_SMTP_URL"): MailOptionsInput {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse(field, `is not a URL: ${JSON.stringify(maskUrl(text))}`);
  }
  const shown = JSON.stringify(maskUrl(text));
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw refuse(field, `must start with smtp:// or smtps://, got ${shown}`);
  if (url.pathname !== "" && url.pathname !== "/") throw refuse(field, `must not have a path, got ${shown}`);
  const secure = url.protocol === "smtps:";
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw refuse(field, `has no host: ${shown}`);
  const result: MailOptionsInput = { host, port: url.port === "" ? (secure ? 465 : 587) : parsePort(url.port, field), secure };
  if (url.username !== "") result.user = decodeURIComponent(url.username);
  if (url.password !== "") result.password = decodeURIComponent(url.password);
  for (const [key, value] of url.searchParams) {
    if (key === "starttls") {
      if (!STARTTLS_VALUES.includes(value as StartTls)) throw refuse(field, `has starttls=${JSON.stringify(value)}; use required, ignored or opportunistic`);
      result.starttls = value as StartTls;
    } else if (key === "verify_tls") {
      if (value !== "true" && value !== "false") throw refuse(field, `has verify_tls=${JSON.stringify(value)}; use true or false`);
      result.verifyTls = value === "true";
    } else if (key === "from") result.from = value;
    else if (key === "to") result.to = splitAddresses(value);
    else if (key === "timeout_ms") {
      const timeoutMs = Number(value);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw refuse(field, `has timeout_ms=${JSON.stringify(value)}; use a positive whole number`);
      result.timeoutMs = timeoutMs;
    } else throw refuse(field, `has an unknown parameter ${JSON.stringify(key)} (known: starttls, verify_tls, from, to, timeout_ms)`);
  }
  return result;
}

function splitAddresses(value: string | readonly string[]): string[] {
  const list = typeof value === "string" ? value.split(",") : value;
  return list.map((address) => address.trim()).filter((address) => address !== "");
}

// A bare address: no spaces, no angle brackets, no list separators, one "@" with text either side.
// Deliberately simple: the SMTP server is the judge of deliverability; this only catches typos
// and anything that could smuggle a header (line breaks).
const ADDRESS = /^[^\s@<>,;"()]+@[^\s@<>,;"()]+$/;

/**
 * Merges layers of settings (later layers win, `undefined` does not override), fills in the
 * defaults, and checks the result: a host, a port, a sender and at least one recipient, all
 * well-formed. The port defaults to 465 with `secure`, else 25 (the script's relay port).
 *
 * @example resolveMailOptions(parseSmtpUrl(env), parseMailOptions(flag), { to: "soc@example.org" })
 * @throws HalflifeError INVALID_INPUT naming the field (`from`, `to`, `host`, `port`, `starttls`, `timeoutMs`).
 */
export function resolveMailOptions(...layers: readonly MailOptionsInput[]): MailOptions {
  const merged: MailOptionsInput = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  const secure = merged.secure ?? false;
  const options: MailOptions = {
    host: merged.host ?? DEFAULT_MAIL_OPTIONS.host,
    port: merged.port ?? (secure ? 465 : 25),
    secure,
    starttls: merged.starttls ?? DEFAULT_MAIL_OPTIONS.starttls,
    verifyTls: merged.verifyTls ?? DEFAULT_MAIL_OPTIONS.verifyTls,
    from: merged.from ?? "",
    to: splitAddresses(merged.to ?? []),
    timeoutMs: merged.timeoutMs ?? DEFAULT_MAIL_OPTIONS.timeoutMs,
  };
  if (merged.user !== undefined) options.user = merged.user;
  if (merged.password !== undefined) options.password = merged.password;

  if (!/^[^\s/]+$/.test(options.host)) throw refuse("host", `must be a host name, got ${JSON.stringify(options.host)}`);
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) throw refuse("port", `must be 1 to 65535, got ${options.port}`);
  if (!STARTTLS_VALUES.includes(options.starttls)) throw refuse("starttls", `must be required, ignored or opportunistic`);
  if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) throw refuse("timeoutMs", "must be a positive whole number of milliseconds");
  if (options.from === "") throw refuse("from", "is required: a sender address (smtp_from in --mailoptions, or from= in the SMTP URL)");
  if (!ADDRESS.test(options.from)) throw refuse("from", `is not an e-mail address: ${JSON.stringify(options.from)}`);
  if (options.to.length === 0) throw refuse("to", "is required: at least one recipient (smtp_to in --mailoptions, or to= in the SMTP URL)");
  for (const address of options.to) {
    if (!ADDRESS.test(address)) throw refuse("to", `is not an e-mail address: ${JSON.stringify(address)}`);
  }
  if (options.password !== undefined && options.user === undefined) throw refuse("user", "is required when a password is given");
  return options;
}

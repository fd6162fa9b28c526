/**
 * Sends a text/plain mail over SMTP with nodemailer. One transport per mail: a sweep sends one
 * report per run, so pooling connections would only keep sockets open between cron runs.
 *
 * Every failure (refused connection, timeout, TLS, login, refused recipients) becomes one typed
 * `UPSTREAM` error with a one-line message that names the server and never the password.
 */
import nodemailer from "nodemailer";
import { HalflifeError } from "../core/errors.js";
import type { MailOptions } from "./mail-options.js";

export { DEFAULT_MAIL_OPTIONS, maskUrl, parseMailOptions, parseSmtpUrl, resolveMailOptions } from "./mail-options.js";
export type { MailOptions, MailOptionsInput, StartTls } from "./mail-options.js";

export interface OutgoingMail {
  subject: string;
  text: string;
  /** Extra headers, e.g. `{ "X-Halflife-Run": runId }` for filtering. */
  headers?: Record<string, string>;
}

export interface SentMail {
  messageId: string;
  /** Recipients the server took. */
  accepted: string[];
  /** Recipients the server refused while taking others (a full refusal is an error). */
  rejected: string[];
}

/**
 * Sends `mail` with `options` (see `resolveMailOptions`).
 *
 * @throws HalflifeError UPSTREAM when the mail could not be handed to the server.
 */
export async function sendMail(options: MailOptions, mail: OutgoingMail): Promise<SentMail> {
  const transport = createTransport(options);
  try {
    const info = await transport.sendMail({
      from: options.from,
      to: options.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.headers ? { headers: mail.headers } : {}),
    });
    const addresses = (list: ReadonlyArray<string | { address: string }>): string[] =>
      list.map((entry) => (typeof entry === "string" ? entry : entry.address));
    return { messageId: info.messageId, accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
  } catch (error) {
    throw sendFailure(options, error);
  } finally {
    transport.close();
  }
}

/**
 * Connects to the SMTP server, says hello, negotiates TLS and logs in as a real send would, and
 * hangs up without sending: a sweep checks this before it changes anything, so that a mail that
 * cannot go out is found before there is a run to report.
 *
 * @throws HalflifeError UPSTREAM when the server cannot be reached or refuses TLS or the login.
 */
export async function verifyMailServer(options: MailOptions): Promise<void> {
  const transport = createTransport(options);
  try {
    await transport.verify();
  } catch (error) {
    throw sendFailure(options, error);
  } finally {
    transport.close();
  }
}

function createTransport(options: MailOptions) {
  return nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: !options.secure && options.starttls === "required",
    ignoreTLS: !options.secure && options.starttls === "ignored",
    tls: { rejectUnauthorized: options.verifyTls },
    ...(options.user === undefined ? {} : { auth: { user: options.user, pass: options.password ?? "" } }),
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    // A report is text only: nothing in a message may make the mailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
}

/** What nodemailer puts on its errors; all optional, since anything can be thrown. */
interface SmtpErrorFacts {
  /** nodemailer's own code: ESOCKET, ETLS, EAUTH, EENVELOPE, ETIMEDOUT, EDNS, ... */
  code?: unknown;
  /** The socket's or TLS layer's code behind an ESOCKET or EDNS: ECONNREFUSED, CERT_HAS_EXPIRED, ... */
  originalCode?: unknown;
  /** The SMTP command that failed: CONN, STARTTLS, AUTH PLAIN, MAIL FROM, RCPT TO, ... */
  command?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

function sendFailure(options: MailOptions, error: unknown): HalflifeError {
  const facts = (error !== null && typeof error === "object" ? error : {}) as SmtpErrorFacts;
  const line = `could not send the report through SMTP server ${options.host}:${options.port}: ${describe(facts, options)}`;
  return new HalflifeError("UPSTREAM", redact(line.replace(/\s*\n\s*/g, " "), options));
}

// Decided on the error's codes and the SMTP reply code, never on message wording, which differs
// between nodemailer versions and servers.
function describe(facts: SmtpErrorFacts, options: MailOptions): string {
  const text = (value: unknown): string => (typeof value === "string" ? value : "");
  const code = text(facts.code);
  const original = text(facts.originalCode);
  const reply = text(facts.response) ? ` (server said: ${firstLine(text(facts.response))})` : "";
  if (original === "ECONNREFUSED") return "connection refused";
  if (original === "ECONNRESET") return "the connection was reset";
  if (original === "ENOTFOUND" || original === "EAI_AGAIN" || code === "EDNS") return `the host name could not be resolved (${original || code})`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(original)) return `the server's TLS certificate was refused (${original})`;
  switch (code) {
    case "ETIMEDOUT":
      return `no answer within ${options.timeoutMs} ms`;
    case "ETLS":
      return text(facts.command) === "STARTTLS" ? `STARTTLS failed${reply}` : `TLS failed${reply}`;
    case "EAUTH":
      return `the login was refused${reply}`;
    case "ENOAUTH":
      return "the server wants a login, and no user and password are set";
    case "EENVELOPE":
      return facts.responseCode === 530
        ? `the server wants a login, and no user and password are set${reply}`
        : `the server refused the sender or the recipients${reply}`;
    default: {
      const message = firstLine(typeof facts.message === "string" ? facts.message : "unknown error");
      return [message, original || code].filter(Boolean).join(" ");
    }
  }
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/)[0]?.trim() ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** Belt and braces: whatever a server echoed, the password never reaches a log. */
function redact(text: string, options: MailOptions): string {
  const secret = options.password;
  return secret && secret.length > 0 ? text.split(secret).join("***") : text;
}

// A real SMTP server on 127.0.0.1 (smtp-server) that keeps what it receives, parsed with
// mailparser, so that mail tests check what a mail client would really see.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { selfSignedCertificate } from "./self-signed-cert.js";

export interface ReceivedMail {
  /** The SMTP envelope: MAIL FROM and every RCPT TO. */
  from: string;
  to: string[];
  /** The user that logged in, when the server asked for a login. */
  user: string | undefined;
  /** Whether the session was encrypted (SMTPS or after STARTTLS). */
  secure: boolean;
  raw: string;
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** Resolves with the next mail that arrives (or the first one already received and not yet taken). */
  nextMail(): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface TestSmtpOptions {
  /** Require this login (PLAIN or LOGIN); without it the server takes mail from anyone. */
  auth?: { user: string; password: string };
  /** TLS from the first byte (SMTPS). */
  secure?: boolean;
  /** Offer STARTTLS on a plain connection (off by default). */
  starttls?: boolean;
}

export async function startSmtpServer(options: TestSmtpOptions = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  let taken = 0;
  const waiting: Array<(mail: ReceivedMail) => void> = [];
  const { key, cert } = selfSignedCertificate();
  const serverOptions: SMTPServerOptions = {
    key,
    cert,
    secure: options.secure === true,
    logger: false,
    disabledCommands: options.starttls === true || options.secure === true ? [] : ["STARTTLS"],
    authOptional: options.auth === undefined,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const ok = options.auth !== undefined && auth.username === options.auth.user && auth.password === options.auth.password;
      if (ok) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw)
          .then((parsed) => {
            const mail: ReceivedMail = {
              from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              user: typeof session.user === "string" ? session.user : undefined,
              secure: session.secure,
              raw,
              parsed,
            };
            received.push(mail);
            const waiter = waiting.shift();
            if (waiter) {
              taken++;
              waiter(mail);
            }
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  // A client that gives up mid-handshake makes the server emit "error"; that is the client's
  // problem under test, not a crash of the test run.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    nextMail() {
      if (taken < received.length) return Promise.resolve(received[taken++]!);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

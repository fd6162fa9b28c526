/**
 * Mailing sweep reports: the SMTP settings from their layers (HALFLIFE_SMTP_URL, the configured
 * sender and recipients, the script's -o string, explicit options; later layers win), a check of
 * the server before a sweep changes anything, and the report itself.
 */
import type { SweepReport } from "../core/sweep-report.js";
import {
  parseMailOptions,
  parseSmtpUrl,
  resolveMailOptions,
  sendMail,
  verifyMailServer,
  type MailOptions,
  type MailOptionsInput,
  type SentMail,
} from "../mail/mailer.js";
import { renderSweepReport, shouldMail } from "../mail/sweep-report.js";
import type { SweepSettings } from "./sweep-settings.js";

export interface SweepMailRequest {
  /** The script's `-o 'smtp_from=…;smtp_to=…;smtp_server=…'`. */
  mailoptions?: string;
  /** Explicit settings (port, TLS, login), over everything else. */
  smtp?: MailOptionsInput;
}

/**
 * The SMTP settings for a sweep's report.
 *
 * @throws HalflifeError INVALID_INPUT naming the setting at fault.
 */
export function sweepMailOptions(settings: SweepSettings | undefined, request: SweepMailRequest = {}): MailOptions {
  const fromUrl = settings?.smtpUrl ? parseSmtpUrl(settings.smtpUrl) : {};
  const configured: MailOptionsInput = {
    ...(settings?.mailFrom ? { from: settings.mailFrom } : {}),
    ...(settings?.mailTo?.length ? { to: settings.mailTo } : {}),
  };
  const fromFlag = request.mailoptions === undefined ? {} : parseMailOptions(request.mailoptions);
  // The script hands smtp_server to smtplib, which means port 25 unless the server names one.
  if (fromFlag.host !== undefined && fromFlag.port === undefined && request.smtp?.port === undefined) {
    fromFlag.port = request.smtp?.secure ? 465 : 25;
  }
  return resolveMailOptions(fromUrl, configured, fromFlag, request.smtp ?? {});
}

/** Checks that the SMTP server takes a connection (and the login), without sending anything. */
export function checkSweepMail(options: MailOptions): Promise<void> {
  return verifyMailServer(options);
}

/**
 * Mails a report when it is worth one: something changed (or would have) or failed, or `always`.
 * Returns null when nothing was sent.
 *
 * @throws HalflifeError UPSTREAM when the mail could not be handed to the server.
 */
export async function mailSweepReport(options: MailOptions, report: SweepReport, always = false): Promise<SentMail | null> {
  if (!shouldMail(report, { always })) return null;
  const { subject, text } = renderSweepReport(report);
  return sendMail(options, { subject, text, headers: { "X-Halflife-Sweep-Run": report.runId } });
}

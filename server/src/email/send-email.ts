import { createTransport } from "nodemailer";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";

/** One plain-text email to one person. */
export interface Email {
  to: string;
  subject: string;
  text: string;
}

export interface EmailDeps {
  config: Pick<Config, "smtp">;
  logger?: Pick<Logger, "warn"> | undefined;
}

/**
 * Bounded waits: a send runs inside a sync job or a request, and an SMTP server that never answers
 * must not hold either for long (nodemailer's defaults wait up to 10 minutes for the socket).
 */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/**
 * Sends each email through the operator's SMTP server (SMTP_URL), one message per recipient so no
 * one sees the others' addresses. Email is a courtesy on top of the in-app bell: without SMTP_URL
 * nothing happens, and a failed send is logged at warn — without the password — and never thrown,
 * so the job or sweep that noticed something goes on. Returns how many were accepted.
 */
export async function sendEmails(deps: EmailDeps, emails: Email[]): Promise<number> {
  const smtp = deps.config.smtp;
  if (!smtp || emails.length === 0) return 0;
  let sent = 0;
  try {
    const transport = createTransport(smtp.url, { from: smtp.from, ...TIMEOUTS });
    try {
      for (const email of emails) {
        try {
          await transport.sendMail(email);
          sent++;
        } catch (err) {
          warn(deps, smtp.url, err);
        }
      }
    } finally {
      transport.close();
    }
  } catch (err) {
    warn(deps, smtp.url, err);
  }
  return sent;
}

function warn(deps: EmailDeps, smtpUrl: string, err: unknown): void {
  deps.logger?.warn(
    { err: { message: withoutPassword(errorMessage(err), smtpUrl), code: errorCode(err) } },
    "An admin email could not be sent",
  );
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The SMTP password never reaches a log, even if a server or library echoes it in an error. */
export function withoutPassword(text: string, smtpUrl: string): string {
  const raw = new URL(smtpUrl).password;
  if (!raw) return text;
  const forms = new Set([raw, safeDecode(raw)].filter((f) => f.length > 0));
  let out = text;
  for (const form of forms) out = out.split(form).join("[redacted]");
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

import { attentionWords } from "@mailroom/contract";
import { and, eq, inArray } from "drizzle-orm";
import { listMembers } from "../accounts/members.ts";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { type Email, sendEmails } from "../email/send-email.ts";
import type { Logger } from "../log.ts";
import { channels } from "./schema.ts";

/**
 * Issue 12: the admins' bell, by email too, where the operator configured SMTP (SMTP_URL). Only the
 * org's owners and admins get them — they are the ones who can act — and each event is sent once:
 * callers send when a channel *changes* to needs_reauth, and when a reminder row is first written.
 */
export interface AttentionEmailDeps {
  db: Db;
  config: Pick<Config, "smtp" | "publicUrl">;
  logger?: Pick<Logger, "warn"> | undefined;
}

async function adminAddresses(db: Db, orgId: string): Promise<string[]> {
  return (await listMembers(db, orgId))
    .filter((m) => m.role === "owner" || m.role === "admin")
    .map((m) => m.email);
}

const CREDENTIALS_PATH = "/settings/channels/credentials";

/** One email per admin for each channel that has just stopped syncing: which, why, what to do. */
export async function emailChannelsNeedReconnecting(
  deps: AttentionEmailDeps,
  orgId: string,
  channelIds: string[],
): Promise<number> {
  if (!deps.config.smtp || channelIds.length === 0) return 0;
  return quietly(deps, async () => {
    const rows = await deps.db
      .select({
        id: channels.id,
        email: channels.email,
        status: channels.status,
        reason: channels.statusReason,
      })
      .from(channels)
      .where(and(eq(channels.orgId, orgId), inArray(channels.id, channelIds)));
    const admins = await adminAddresses(deps.db, orgId);
    const emails = rows.flatMap((row) => {
      const message = needsReconnectingEmail(deps.config.publicUrl, row);
      return admins.map((to) => ({ to, ...message }));
    });
    return sendEmails(deps, emails);
  });
}

/** Email never breaks what noticed the problem: a failure to even prepare it is logged and dropped. */
async function quietly(deps: AttentionEmailDeps, send: () => Promise<number>): Promise<number> {
  try {
    return await send();
  } catch (err) {
    deps.logger?.warn({ err }, "Admin emails could not be prepared");
    return 0;
  }
}

export function needsReconnectingEmail(
  publicUrl: string,
  channel: { id: string; email: string; status: string; reason: string | null },
): Omit<Email, "to"> {
  const words = attentionWords(channel.status, channel.reason);
  const channelUrl = `${publicUrl}/settings/channels/${channel.id}`;
  const todo =
    words.action === "update_secret"
      ? [
          "In Azure Portal › App registrations › your app › Certificates & secrets, add a new client",
          `secret, then update it in Mailroom: ${publicUrl}${CREDENTIALS_PATH}`,
          `That page lists the mailboxes to reconnect. This one: ${channelUrl}`,
        ]
      : words.action === "azure"
        ? [
            "An admin of your Microsoft 365 organisation must fix this in Azure first. Then open",
            `the mailbox in Mailroom and press Reconnect: ${channelUrl}`,
          ]
        : [
            "Open the mailbox in Mailroom and press Reconnect, then sign in to Microsoft as that",
            `mailbox: ${channelUrl}`,
          ];
  return {
    subject: `Reconnect ${channel.email} in Mailroom`,
    text: [
      "Hello,",
      "",
      `The mailbox ${channel.email} has stopped syncing in Mailroom: ${words.reason}.`,
      "New mail to it won't appear in Mailroom, and replies from it won't go out, until it is",
      "reconnected.",
      "",
      ...todo,
      "",
      "Nothing is lost: conversations, settings and anything waiting to be sent are kept, and the",
      "mail that arrived meanwhile is picked up as soon as the mailbox is reconnected.",
      "",
      "You get this email because you are an owner or admin of this Mailroom team.",
      "",
    ].join("\n"),
  };
}

/** One email per admin for a BYOC client-secret reminder (30, 7 or 1 days before it expires). */
export async function emailSecretReminder(
  deps: AttentionEmailDeps,
  orgId: string,
  reminder: { daysLeft: number; expiresAt: Date },
): Promise<number> {
  if (!deps.config.smtp) return 0;
  const message = secretReminderEmail(deps.config.publicUrl, reminder);
  return quietly(deps, async () => {
    const admins = await adminAddresses(deps.db, orgId);
    return sendEmails(
      deps,
      admins.map((to) => ({ to, ...message })),
    );
  });
}

export function secretReminderEmail(
  publicUrl: string,
  reminder: { daysLeft: number; expiresAt: Date },
): Omit<Email, "to"> {
  const when = reminder.daysLeft <= 1 ? "tomorrow" : `in ${reminder.daysLeft} days`;
  const date = reminder.expiresAt.toISOString().slice(0, 10);
  return {
    subject: `Your Azure app's client secret expires ${when}`,
    text: [
      "Hello,",
      "",
      `The client secret of the Azure app your Mailroom team connects mailboxes with expires ${when}`,
      `(${date}). After that, Microsoft refuses Mailroom's sign-ins and those mailboxes stop syncing.`,
      "",
      "To renew it before then:",
      "1. In Azure Portal › App registrations › your app › Certificates & secrets, add a new client",
      "   secret (24 months is recommended) and copy its value.",
      `2. Update it in Mailroom, with the new expiry date: ${publicUrl}${CREDENTIALS_PATH}`,
      "3. Reconnect each mailbox that page lists.",
      "",
      "You get this email because you are an owner or admin of this Mailroom team.",
      "",
    ].join("\n"),
  };
}

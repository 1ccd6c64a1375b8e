import type { CreateOutboxBody, routes } from "@mailroom/contract";
import type { z } from "zod";
import type { OrgMember } from "../accounts/session.ts";
import { findChannel } from "../channels/channel-store.ts";
import type { Db } from "../db/client.ts";
import { badRequest, conflict } from "../errors.ts";
import { findVisibleMessage } from "../inbox/conversation-store.ts";
import { assertVisibleChannel } from "../inbox/visibility.ts";
import { attachmentsOf } from "./attach-uploads.ts";
import { assertNothingNewer } from "./collision.ts";
import { findBySendKey, insertOutbox, type OutboxRow } from "./outbox-store.ts";
import { matchChoice, sendFromChoices } from "./send-from.ts";
import { plannedSendTime } from "./send-limits.ts";

type CreateBody = z.output<typeof routes.createOutbox.body>;

export interface Queued {
  row: OutboxRow;
  /** An earlier Send with the same key queued it: nothing new was stored or scheduled. */
  repeated: boolean;
}

/**
 * Checks what Microsoft would refuse, then stores the message until its undo window ends. A Send
 * with a key the member used before gets that message back, before any check (it passed them).
 */
export async function queueMessage(db: Db, m: OrgMember, body: CreateBody): Promise<Queued> {
  const earlier = body.sendKey ? await findBySendKey(db, m, body.sendKey) : undefined;
  if (earlier) return { row: earlier, repeated: true };
  const row = await checkAndStore(db, m, body);
  return row
    ? { row, repeated: false }
    : { row: (await findBySendKey(db, m, body.sendKey!))!, repeated: true };
}

/** The stored row; undefined when a concurrent Send with the same key stored it first. */
async function checkAndStore(db: Db, m: OrgMember, body: CreateBody): Promise<OutboxRow | undefined> {
  const parent = body.kind === "new" ? undefined : await findVisibleMessage(db, m, body.messageId!);
  const channelId = parent?.channelId ?? body.channelId!;
  if (!parent) await assertVisibleChannel(db, m, channelId);
  const channel = await findChannel(db, m.orgId, channelId);
  if (channel.status !== "connected")
    throw conflict("This mailbox must be reconnected to Microsoft before it can send");
  const from = matchChoice(await sendFromChoices(db, channel), body.from);
  if (!from)
    throw badRequest("This mailbox can't send from that address", [
      { field: "from", message: "Choose one of the mailbox's addresses" },
    ]);
  if (parent && !body.sendAnyway)
    await assertNothingNewer(
      db,
      { orgId: m.orgId, userId: m.userId, conversationId: parent.conversationId },
      body.lastSeenMessageId,
    );
  const bcc = withAutoBcc(body.bcc, channel.autoBcc);
  const recipients = body.to.length + body.cc.length + bcc.length;
  if (recipients > 500)
    throw badRequest("Microsoft accepts at most 500 recipients per message", [
      { field: "to", message: "At most 500 recipients (To, Cc and Bcc together)" },
    ]);
  const attachments = await attachmentsOf(db, m, channel.id, body.attachments, body.html.length);
  const sendAt = new Date(Date.now() + channel.undoSendSeconds * 1000);
  const planned = await plannedSendTime(db, channel.id, sendAt, recipients);
  return insertOutbox(db, {
    sendKey: body.sendKey ?? null,
    orgId: m.orgId,
    channelId: channel.id,
    conversationId: parent?.conversationId ?? null,
    parentMessageId: parent?.id ?? null,
    parentGraphId: parent?.graphId ?? null,
    kind: body.kind,
    createdBy: m.userId,
    createdByName: m.name,
    fromAddress: from,
    toRecipients: body.to.map(address),
    ccRecipients: body.cc.map(address),
    bccRecipients: bcc.map(address),
    subject: body.subject ?? defaultSubject(body.kind, parent?.subject ?? ""),
    bodyHtml: body.html,
    attachments,
    sendAt,
    willGoAt: planned > sendAt ? planned : null,
  });
}

function withAutoBcc(bcc: CreateBody["bcc"], autoBcc: string | null) {
  if (!autoBcc || bcc.some((r) => r.address.toLowerCase() === autoBcc.toLowerCase())) return bcc;
  return [...bcc, { address: autoBcc, name: null }];
}

function address(r: { name?: string | null | undefined; address: string }) {
  return { name: r.name ?? null, address: r.address };
}

/** "RE: " / "FW: " as Exchange writes them, unless the subject has the prefix already. */
function defaultSubject(kind: CreateOutboxBody["kind"], subject: string): string {
  if (kind === "new") return subject;
  const prefix = kind === "forward" ? "FW: " : "RE: ";
  return subject.toUpperCase().startsWith(prefix.trim()) ? subject : `${prefix}${subject}`;
}

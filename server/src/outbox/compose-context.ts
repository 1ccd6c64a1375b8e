import type { ComposeContext, Person } from "@mailroom/contract";
import type { ChannelRow } from "../channels/channel-store.ts";
import type { Db } from "../db/client.ts";
import type { MessageRow } from "../mail/read-thread.ts";
import { defaultFrom, type SendFrom, sendFromChoices } from "./send-from.ts";

/**
 * What the composer starts from: who it may send as, the channel's signature, auto-BCC and undo
 * window, and for a conversation the reply's recipients. The reply answers the newest message;
 * it goes to that message's Reply-To when it has one, else to its sender (as Exchange's
 * createReply does), and reply-all adds the other recipients but the mailbox's own addresses.
 */
export async function composeContext(
  db: Db,
  channel: ChannelRow,
  thread: MessageRow[] = [],
): Promise<ComposeContext> {
  const from = await sendFromChoices(db, channel);
  const newest = thread.at(-1);
  const lastInbound = thread.findLast((m) => m.direction === "inbound");
  const addressedTo = lastInbound ? [...lastInbound.toRecipients, ...lastInbound.ccRecipients] : [];
  return {
    channelId: channel.id,
    fromChoices: from.choices,
    otherAddresses: from.others,
    defaultFrom: defaultFrom(
      from,
      addressedTo.map((a) => a.address),
    ),
    signatureHtml: channel.signature,
    autoBcc: channel.autoBcc,
    undoSendSeconds: channel.undoSendSeconds,
    defaults: newest ? replyDefaults(newest, from) : null,
  };
}

export function replyDefaults(parent: MessageRow, from: SendFrom): NonNullable<ComposeContext["defaults"]> {
  const own = new Set([...from.choices.map((c) => c.address), ...from.others].map((a) => a.toLowerCase()));
  const notOwn = (p: Person) => !own.has(p.address.toLowerCase());
  const sender: Person[] = parent.fromAddress ? [{ name: parent.fromName, address: parent.fromAddress }] : [];
  // Answering our own message (the newest is outbound) goes to its recipients again.
  const replyTo =
    parent.direction === "outbound" ? parent.toRecipients : parent.replyTo.length ? parent.replyTo : sender;
  const to = unique(replyTo);
  const allTo = unique([...to, ...parent.toRecipients.filter(notOwn)]);
  const inTo = new Set(allTo.map((p) => p.address.toLowerCase()));
  const allCc = unique(parent.ccRecipients.filter((p) => notOwn(p) && !inTo.has(p.address.toLowerCase())));
  return {
    messageId: parent.id,
    lastSeenMessageId: parent.id,
    subject: parent.subject,
    reply: { to, cc: [] },
    replyAll: { to: allTo, cc: allCc },
  };
}

function unique(people: Person[]): Person[] {
  const seen = new Set<string>();
  return people.filter((p) => {
    const key = p.address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Regular vs immutable message ids. The store keeps one immutable id per message (`AAMkAG…`).
 * Without `Prefer: IdType="ImmutableId"` Graph returns regular ids, which change when a message
 * moves to another folder; we derive them from (folder id, immutable id), so an old regular id
 * stops resolving after a move, as Exchange's do.
 * https://learn.microsoft.com/graph/outlook-immutable-id
 */
import { type FoundMessage, findMessage } from "../store/messages.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox } from "../store/types.ts";

const REGULAR_PREFIX = "AAMkAD";

export function exposedMessageId(messageId: string, folderId: string, immutable: boolean): string {
  if (immutable) return messageId;
  return `${REGULAR_PREFIX}${Buffer.from(`${folderId}:${messageId}`).toString("base64url")}`;
}

/** The immutable id behind an id a client sent (either form), or undefined when it names nothing. */
export function resolveMessageId(store: Store, mailbox: Mailbox, sent: string): string | undefined {
  return resolveMessage(store, mailbox, sent)?.message.id;
}

/** The message (and its folder) an id a client sent names, in either form. */
export function resolveMessage(store: Store, mailbox: Mailbox, sent: string): FoundMessage | undefined {
  if (!sent.startsWith(REGULAR_PREFIX)) return findMessage(store, mailbox, sent);
  const decoded = Buffer.from(sent.slice(REGULAR_PREFIX.length), "base64url").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  const folderId = decoded.slice(0, colon);
  const messageId = decoded.slice(colon + 1);
  const found = findMessage(store, mailbox, messageId);
  return found && found.folder.id === folderId ? found : undefined;
}

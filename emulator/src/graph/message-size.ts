/**
 * The organisation's maximum message size (Exchange Online: 35 MB by default, up to 150 MB; the
 * createUploadSession page's tip), checked when an attachment is added and when a message is sent.
 * Over it: 400 ErrorMessageSizeExceeded "The message exceeds the maximum supported size." (the
 * answer reported in microsoft-graph-docs-contrib#2561; the status is not documented).
 * The emulator counts decoded bytes (attachments, body, subject); Exchange measures the encoded
 * MIME, up to a third larger, so clients should keep headroom rather than aim at the exact limit.
 * https://learn.microsoft.com/graph/api/attachment-createuploadsession
 */
import type { Store } from "../store/store.ts";
import type { Mailbox } from "../store/types.ts";
import { InputError } from "./message-input.ts";

export const MESSAGE_SIZE_EXCEEDED = "The message exceeds the maximum supported size.";
export const DEFAULT_MAX_MESSAGE_SIZE_MB = 35;

/** What a message is measured by; attachments need only their `size`. */
export interface SizedMessage {
  subject: string;
  body: { content: string };
  attachments: readonly { size: number }[];
}

export function messageSizeBytes(message: SizedMessage): number {
  let size = Buffer.byteLength(message.subject) + Buffer.byteLength(message.body.content);
  for (const attachment of message.attachments) size += attachment.size;
  return size;
}

/** The tenant's limit in bytes (MB as Exchange counts them: 35 MB = 36,700,160 bytes). */
export function maxMessageBytes(store: Store, mailbox: Mailbox): number {
  const megabytes =
    store.state.tenants.get(mailbox.tenantId)?.maxMessageSizeMB ?? DEFAULT_MAX_MESSAGE_SIZE_MB;
  return megabytes * 1024 * 1024;
}

/** Throws ErrorMessageSizeExceeded when the message, grown by `extraBytes`, is over the limit. */
export function checkMessageSize(
  store: Store,
  mailbox: Mailbox,
  message: SizedMessage,
  extraBytes = 0,
): void {
  if (messageSizeBytes(message) + extraBytes > maxMessageBytes(store, mailbox))
    throw new InputError(400, "ErrorMessageSizeExceeded", MESSAGE_SIZE_EXCEEDED);
}

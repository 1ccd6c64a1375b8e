/**
 * The body of createReply / createReplyAll / createForward and of reply / replyAll / forward:
 * none, `{}`, `{comment}` or `{message}` (properties applied to the draft, `internetMessageHeaders`
 * included: x- headers can only be set when the item is created), and for forwards `toRecipients`.
 * `comment` together with `message.body` is 400, as is a forward naming recipients both ways.
 * https://learn.microsoft.com/graph/api/message-createreply, …/message-createforward, …/message-forward
 */
import { z } from "zod";
import { deliverMessage } from "../store/messages.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox, StoredMessage } from "../store/types.ts";
import { attachmentInputs, InputError, parseMessageJson, toPatch } from "./message-input.ts";
import { buildReplyDraft, type ReplyKind } from "./reply-draft.ts";

const ReplyBody = z.object({
  comment: z.string().nullish(),
  message: z.unknown().optional(),
  toRecipients: z.unknown().optional(),
});

/** The reply/forward draft in Drafts, with the request's `comment` / `message` / `toRecipients` applied. */
export function createReplyDraft(
  store: Store,
  mailbox: Mailbox,
  parent: StoredMessage,
  kind: ReplyKind,
  body: unknown,
): StoredMessage {
  const parsed = ReplyBody.safeParse(body ?? {});
  if (!parsed.success) throw new InputError(400, "ErrorInvalidRequest", "Invalid request body.");
  const { comment, toRecipients } = parsed.data;
  const json = parseMessageJson(parsed.data.message ?? {});
  if (comment != null && json.body)
    throw new InputError(
      400,
      "ErrorInvalidRequest",
      "Specify either a comment or the body property of the message parameter, not both.",
    );
  if (kind === "forward" && toRecipients != null && json.toRecipients != null)
    throw new InputError(
      400,
      "ErrorInvalidRequest",
      "Specify either the toRecipients parameter or the toRecipients property of the message parameter, not both.",
    );
  const recipientsJson = parseMessageJson({ toRecipients: toRecipients ?? undefined });
  const input = buildReplyDraft(mailbox, parent, kind, comment ?? "");
  const patch = { ...toPatch(json), ...toPatch(recipientsJson) };
  return deliverMessage(store, mailbox, "drafts", {
    ...input,
    ...patch,
    internetMessageHeaders: [
      ...(input.internetMessageHeaders ?? []),
      ...(patch.internetMessageHeaders ?? []),
    ],
    attachments: [...(input.attachments ?? []), ...attachmentInputs(json)],
  });
}

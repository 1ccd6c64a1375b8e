/**
 * Sending: createReply / createReplyAll / createForward (201 draft), reply / replyAll / forward
 * (202, one shot), POST /messages/{id}/send (202: the draft moves to Sent Items keeping its id) and
 * POST /sendMail (202, no id). `from` may be an alias of the mailbox only when the tenant has
 * SendFromAliasEnabled; anything else is 403 ErrorSendAsDenied.
 * https://learn.microsoft.com/graph/api/message-send, …/user-sendmail, …/message-reply, …/message-createreply
 */
import type { Recipient } from "@microsoft/microsoft-graph-types";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { graphDateTime } from "../clock.ts";
import { graphError } from "../errors/graph-error.ts";
import { buildInternetMessageHeaders, headerValue } from "../store/message-headers.ts";
import { deleteMessage, deliverMessage, moveMessage, updateMessage } from "../store/messages.ts";
import { type Store, smtpAddresses } from "../store/store.ts";
import type { Mailbox, StoredMessage } from "../store/types.ts";
import { transmit } from "./deliver.ts";
import { inputErrorReply } from "./message-actions.ts";
import {
  attachmentInputs,
  InputError,
  type MessageJson,
  parseMessageJson,
  toDraftInput,
  toPatch,
} from "./message-input.ts";
import { messageOr404, sendMessage } from "./messages.ts";
import { buildReplyDraft, type ReplyKind } from "./reply-draft.ts";
import { mailboxOf, owners } from "./routes.ts";

const ReplyBody = z.object({
  comment: z.string().nullish(),
  message: z.unknown().optional(),
  toRecipients: z.unknown().optional(),
});
const SendMailBody = z.object({ message: z.unknown(), saveToSentItems: z.boolean().nullish() });

const SEND_AS_DENIED =
  "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.";

/** The `from` the message may carry: the primary address, or an alias when the tenant allows it. */
function checkFrom(store: Store, mailbox: Mailbox, requested: Recipient | null): Recipient {
  const primary: Recipient = { emailAddress: { name: mailbox.displayName, address: mailbox.mail } };
  const address = requested?.emailAddress?.address?.toLowerCase();
  if (!address || address === mailbox.mail.toLowerCase()) return primary;
  const tenant = store.state.tenants.get(mailbox.tenantId);
  if (smtpAddresses(mailbox).includes(address) && tenant?.sendFromAliasEnabled)
    return {
      emailAddress: {
        name: requested?.emailAddress?.name ?? mailbox.displayName,
        address: requested?.emailAddress?.address ?? address,
      },
    };
  throw new InputError(403, "ErrorSendAsDenied", SEND_AS_DENIED);
}

function checkRecipients(message: Pick<StoredMessage, "toRecipients" | "ccRecipients" | "bccRecipients">) {
  if (message.toRecipients.length + message.ccRecipients.length + message.bccRecipients.length === 0)
    throw new InputError(
      400,
      "ErrorInvalidRecipients",
      "At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
    );
}

/** Sends a draft: final headers, Sent Items, delivery. The draft keeps its (immutable) id. */
export function sendDraft(store: Store, mailbox: Mailbox, draft: StoredMessage): StoredMessage {
  if (!draft.isDraft) throw new InputError(400, "ErrorInvalidRequest", "Only draft messages can be sent.");
  checkRecipients(draft);
  const from = checkFrom(store, mailbox, draft.from);
  const inReplyTo = headerValue(draft.internetMessageHeaders, "In-Reply-To") ?? null;
  const references = (headerValue(draft.internetMessageHeaders, "References") ?? "")
    .split(/\s+/)
    .filter(Boolean);
  const now = store.clock.now();
  const sentAt = graphDateTime(now);
  const extra = draft.internetMessageHeaders.filter((h) => h.name?.toLowerCase().startsWith("x-"));
  const headers = buildInternetMessageHeaders({
    internetMessageId: draft.internetMessageId,
    inReplyTo,
    references,
    subject: draft.subject,
    sentMs: now,
    from,
    toRecipients: draft.toRecipients,
    ccRecipients: draft.ccRecipients,
    conversationIndex: draft.conversationIndex,
    contentType: draft.body.contentType,
    hasAttachments: draft.hasAttachments,
    extra,
  });
  updateMessage(store, mailbox, draft.id, {
    isDraft: false,
    isRead: true,
    from,
    sender: from,
    sentDateTime: sentAt,
    receivedDateTime: sentAt,
    internetMessageHeaders: headers,
  });
  const sent = moveMessage(store, mailbox, draft.id, "sentitems");
  transmit(store, mailbox, sent, { inReplyTo, references });
  return sent;
}

function sendMail(store: Store, mailbox: Mailbox, json: MessageJson, saveToSentItems: boolean) {
  const input = toDraftInput(json);
  const from = checkFrom(store, mailbox, input.from ?? null);
  const recipients = {
    toRecipients: input.toRecipients ?? [],
    ccRecipients: input.ccRecipients ?? [],
    bccRecipients: input.bccRecipients ?? [],
  };
  checkRecipients(recipients);
  const sentAt = graphDateTime(store.clock.now());
  const common = {
    ...input,
    ...recipients,
    from,
    sender: from,
    isDraft: false,
    isRead: true,
    sentDateTime: sentAt,
    receivedDateTime: sentAt,
    attachments: attachmentInputs(json),
  };
  // Without a Sent Items copy the message still gets its headers: build it there and take it out again.
  const sent = deliverMessage(store, mailbox, "sentitems", common);
  transmit(store, mailbox, sent, { inReplyTo: null, references: [] });
  if (!saveToSentItems) deleteMessage(store, mailbox, sent.id);
}

export function registerSendRoutes(app: FastifyInstance): void {
  const { store } = app.emulator;
  const urls = (suffix: string) => [
    ...owners(`/messages/:messageId/${suffix}`),
    ...owners(`/mailFolders/:folderId/messages/:messageId/${suffix}`),
  ];
  const kinds: Record<string, ReplyKind> = { Reply: "reply", ReplyAll: "replyAll", Forward: "forward" };

  for (const [suffix, kind] of Object.entries(kinds)) {
    for (const url of urls(`create${suffix}`))
      app.post(url, { config: { graphAccess: "mail.write" } }, async (request, reply) => {
        try {
          const draft = createDraft(request, reply, kind);
          return draft ? sendMessage(request, reply, draft, 201) : reply;
        } catch (error) {
          return inputErrorReply(reply, error);
        }
      });
    const action = kind;
    for (const url of urls(action))
      app.post(url, { config: { graphAccess: "mail.send" } }, async (request, reply) => {
        try {
          const draft = createDraft(request, reply, kind);
          if (!draft) return reply;
          sendDraft(store, mailboxOf(request), draft);
          return reply.code(202).send();
        } catch (error) {
          return inputErrorReply(reply, error);
        }
      });
  }

  for (const url of urls("send"))
    app.post(url, { config: { graphAccess: "mail.send" } }, async (request, reply) => {
      const draft = messageOr404(request, reply);
      if (!draft) return reply;
      try {
        sendDraft(store, mailboxOf(request), draft);
        return reply.code(202).send();
      } catch (error) {
        return inputErrorReply(reply, error);
      }
    });

  for (const url of owners("/sendMail"))
    app.post(url, { config: { graphAccess: "mail.send" } }, async (request, reply) => {
      const parsed = SendMailBody.safeParse(request.body);
      if (!parsed.success)
        return graphError(reply, 400, "ErrorInvalidRequest", "The message parameter is required.");
      try {
        sendMail(
          store,
          mailboxOf(request),
          parseMessageJson(parsed.data.message),
          parsed.data.saveToSentItems ?? true,
        );
        return reply.code(202).send();
      } catch (error) {
        return inputErrorReply(reply, error);
      }
    });

  /** The reply/forward draft in Drafts, with the request's `comment` / `message` / `toRecipients` applied. */
  function createDraft(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: ReplyKind,
  ): StoredMessage | undefined {
    const parent = messageOr404(request, reply);
    if (!parent) return undefined;
    const parsed = ReplyBody.safeParse(request.body ?? {});
    if (!parsed.success) throw new InputError(400, "ErrorInvalidRequest", "Invalid request body.");
    const json = parseMessageJson(parsed.data.message ?? {});
    const recipientsJson = parseMessageJson({ toRecipients: parsed.data.toRecipients ?? undefined });
    if (parsed.data.comment && json.body)
      throw new InputError(400, "ErrorInvalidRequest", "Cannot specify both comment and the message body.");
    const mailbox = mailboxOf(request);
    const input = buildReplyDraft(mailbox, parent, kind, parsed.data.comment ?? "");
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
}

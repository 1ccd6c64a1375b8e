/**
 * Attachments of a message: list and get (with contentBytes; `$select` honoured), `/$value` (raw
 * bytes), add a fileAttachment (under 3 MB per request; larger files need an upload session; the
 * message must stay within the tenant's size limit), delete.
 * https://learn.microsoft.com/graph/api/message-list-attachments, …/attachment-get, …/message-post-attachments
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { graphDateTime } from "../clock.ts";
import { graphError } from "../errors/graph-error.ts";
import { newAttachmentId } from "../store/ids.ts";
import { updateMessage } from "../store/messages.ts";
import type { StoredAttachment, StoredMessage } from "../store/types.ts";
import { attachmentView } from "./attachment-view.ts";
import { sniffContentType } from "./content-type.ts";
import { inputErrorReply } from "./message-actions.ts";
import { FileAttachmentSchema } from "./message-input.ts";
import { checkMessageSize } from "./message-size.ts";
import { messageOr404 } from "./messages.ts";
import { option, parseAttachmentEntitySelect, type Query } from "./query.ts";
import { contextUrl, itemNotFound, mailboxOf, owners, queryErrorReply } from "./routes.ts";

/** The largest attachment one POST takes (observed: 3,145,611 bytes; documented "under 3 MB"). */
export const MAX_INLINE_ATTACHMENT = 3 * 1024 * 1024;

export function newStoredAttachment(
  input: {
    name: string;
    contentType: string;
    contentBytes: string;
    isInline: boolean;
    contentId: string | null;
  },
  nowMs: number,
): StoredAttachment {
  return {
    "@odata.type": "#microsoft.graph.fileAttachment",
    id: newAttachmentId(),
    name: input.name,
    contentType: input.contentType,
    size: Buffer.byteLength(input.contentBytes, "base64"),
    isInline: input.isInline,
    contentId: input.contentId,
    lastModifiedDateTime: graphDateTime(nowMs),
    contentBytes: input.contentBytes,
  };
}

function attachmentOr404(request: FastifyRequest, reply: FastifyReply) {
  const message = messageOr404(request, reply);
  if (!message) return undefined;
  const { attachmentId } = request.params as { attachmentId: string };
  const attachment = message.attachments.find((a) => a.id === attachmentId);
  if (!attachment) {
    itemNotFound(reply);
    return undefined;
  }
  return { message, attachment };
}

/** The attachment routes under both message paths (`/messages/…` and `/mailFolders/…/messages/…`). */
function attachmentUrls(suffix: string): string[] {
  return [
    ...owners(`/messages/:messageId/attachments${suffix}`),
    ...owners(`/mailFolders/:folderId/messages/:messageId/attachments${suffix}`),
  ];
}

function context(request: FastifyRequest, message: StoredMessage, suffix: string): string {
  return contextUrl(
    request,
    mailboxOf(request),
    `messages('${encodeURIComponent(message.id)}')/attachments${suffix}`,
  );
}

/** The request's `$select`, or undefined when it was refused (the 400 already sent). */
function selectOf(request: FastifyRequest, reply: FastifyReply): string[] | null | undefined {
  try {
    return parseAttachmentEntitySelect(option(request.query as Query, "select"));
  } catch (error) {
    queryErrorReply(reply, error);
    return undefined;
  }
}

export function registerAttachmentRoutes(app: FastifyInstance): void {
  const { store } = app.emulator;
  const read = { config: { graphAccess: "mail.read" as const } };
  const write = { config: { graphAccess: "mail.write" as const } };

  for (const url of attachmentUrls("")) {
    app.get(url, read, async (request, reply) => {
      const message = messageOr404(request, reply);
      if (!message) return reply;
      const select = selectOf(request, reply);
      if (select === undefined) return reply;
      return {
        "@odata.context": context(request, message, ""),
        value: message.attachments.map((a) => attachmentView(a, select)),
      };
    });
    app.post(url, write, async (request, reply) => addAttachment(app, request, reply));
  }
  for (const url of attachmentUrls("/:attachmentId")) {
    app.get(url, read, async (request, reply) => {
      const found = attachmentOr404(request, reply);
      if (!found) return reply;
      const select = selectOf(request, reply);
      if (select === undefined) return reply;
      return {
        "@odata.context": context(request, found.message, "/$entity"),
        ...attachmentView(found.attachment, select),
      };
    });
    app.delete(url, write, async (request, reply) => {
      const found = attachmentOr404(request, reply);
      if (!found) return reply;
      const rest = found.message.attachments.filter((a) => a.id !== found.attachment.id);
      updateMessage(store, mailboxOf(request), found.message.id, { attachments: rest });
      return reply.code(204).send();
    });
  }
  for (const url of attachmentUrls("/:attachmentId/$value")) {
    app.get(url, read, async (request, reply) => {
      const found = attachmentOr404(request, reply);
      if (!found) return reply;
      return reply
        .type(found.attachment.contentType)
        .send(Buffer.from(found.attachment.contentBytes, "base64"));
    });
  }
}

/** POST …/attachments: one fileAttachment under 3 MB, within the message's size limit. */
function addAttachment(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  const { store, clock } = app.emulator;
  const message = messageOr404(request, reply);
  if (!message) return reply;
  const parsed = FileAttachmentSchema.safeParse(request.body);
  if (!parsed.success)
    return graphError(reply, 400, "ErrorInvalidRequest", "A fileAttachment needs name and contentBytes.");
  const input = parsed.data;
  if (input["@odata.type"] && input["@odata.type"] !== "#microsoft.graph.fileAttachment")
    return graphError(reply, 400, "ErrorInvalidRequest", "Only fileAttachment is supported by the emulator.");
  if (Buffer.byteLength(input.contentBytes, "base64") > MAX_INLINE_ATTACHMENT)
    return graphError(
      reply,
      413,
      "RequestEntityTooLarge",
      "The maximum request length supported is 3MB; use an upload session.",
    );
  const attachment = newStoredAttachment(
    {
      name: input.name,
      contentType: input.contentType ?? sniffContentType(input.contentBytes),
      contentBytes: input.contentBytes,
      isInline: input.isInline ?? false,
      contentId: input.contentId ?? null,
    },
    clock.now(),
  );
  try {
    checkMessageSize(store, mailboxOf(request), message, attachment.size);
  } catch (error) {
    return inputErrorReply(reply, error);
  }
  updateMessage(store, mailboxOf(request), message.id, {
    attachments: [...message.attachments, attachment],
  });
  return reply
    .code(201)
    .send({ "@odata.context": context(request, message, "/$entity"), ...attachmentView(attachment) });
}

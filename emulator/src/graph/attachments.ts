/**
 * Attachments of a message: list, get (with contentBytes), `/$value` (raw bytes), add a
 * fileAttachment (under 3 MB per request; larger files need an upload session), delete.
 * https://learn.microsoft.com/graph/api/message-list-attachments, …/attachment-get, …/message-post-attachments
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { graphDateTime } from "../clock.ts";
import { graphError } from "../errors/graph-error.ts";
import { newAttachmentId } from "../store/ids.ts";
import { updateMessage } from "../store/messages.ts";
import type { StoredAttachment, StoredMessage } from "../store/types.ts";
import { FileAttachmentSchema } from "./message-input.ts";
import { attachmentView } from "./message-view.ts";
import { messageOr404 } from "./messages.ts";
import { contextUrl, itemNotFound, mailboxOf, owners } from "./routes.ts";

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

export function registerAttachmentRoutes(app: FastifyInstance): void {
  const { store, clock } = app.emulator;
  const read = { config: { graphAccess: "mail.read" as const } };
  const write = { config: { graphAccess: "mail.write" as const } };
  const urls = (suffix: string) => [
    ...owners(`/messages/:messageId/attachments${suffix}`),
    ...owners(`/mailFolders/:folderId/messages/:messageId/attachments${suffix}`),
  ];
  const context = (request: FastifyRequest, message: StoredMessage, suffix: string) =>
    contextUrl(request, mailboxOf(request), `messages('${message.id}')/attachments${suffix}`);

  for (const url of urls("")) {
    app.get(url, read, async (request, reply) => {
      const message = messageOr404(request, reply);
      if (!message) return reply;
      return {
        "@odata.context": context(request, message, ""),
        value: message.attachments.map((a) => attachmentView(a)),
      };
    });
    app.post(url, write, async (request, reply) => {
      const message = messageOr404(request, reply);
      if (!message) return reply;
      const parsed = FileAttachmentSchema.safeParse(request.body);
      if (!parsed.success)
        return graphError(reply, 400, "ErrorInvalidRequest", "A fileAttachment needs name and contentBytes.");
      const input = parsed.data;
      if (input["@odata.type"] && input["@odata.type"] !== "#microsoft.graph.fileAttachment")
        return graphError(
          reply,
          400,
          "ErrorInvalidRequest",
          "Only fileAttachment is supported by the emulator.",
        );
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
          contentType: input.contentType ?? "application/octet-stream",
          contentBytes: input.contentBytes,
          isInline: input.isInline ?? false,
          contentId: input.contentId ?? null,
        },
        clock.now(),
      );
      updateMessage(store, mailboxOf(request), message.id, {
        attachments: [...message.attachments, attachment],
      });
      return reply
        .code(201)
        .send({ "@odata.context": context(request, message, "/$entity"), ...attachmentView(attachment) });
    });
  }
  for (const url of urls("/:attachmentId")) {
    app.get(url, read, async (request, reply) => {
      const found = attachmentOr404(request, reply);
      if (!found) return reply;
      return {
        "@odata.context": context(request, found.message, "/$entity"),
        ...attachmentView(found.attachment),
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
  for (const url of urls("/:attachmentId/$value")) {
    app.get(url, read, async (request, reply) => {
      const found = attachmentOr404(request, reply);
      if (!found) return reply;
      return reply
        .type(found.attachment.contentType)
        .send(Buffer.from(found.attachment.contentBytes, "base64"));
    });
  }
}

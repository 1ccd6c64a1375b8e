/**
 * Changing messages: create a draft (POST /messages), PATCH, DELETE, permanentDelete, move, copy.
 * DELETE is Exchange's soft delete: the item leaves every folder Graph shows (it is not moved to
 * Deleted Items; clients that want that `move` to `deleteditems`).
 * https://learn.microsoft.com/graph/api/message-update, …/message-delete, …/message-move, …/message-copy
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { graphError } from "../errors/graph-error.ts";
import { copyMessage, deleteMessage, deliverMessage, moveMessage, updateMessage } from "../store/messages.ts";
import { folderOr404 } from "./folders.ts";
import { DRAFT_ONLY, InputError, parseMessageJson, toDraftInput, toPatch } from "./message-input.ts";
import { messageOr404, sendMessage } from "./messages.ts";
import { mailboxOf, owners } from "./routes.ts";

const write = { config: { graphAccess: "mail.write" as const } };
const Destination = z.object({ destinationId: z.string().min(1) });

export function inputErrorReply(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof InputError) return graphError(reply, error.status, error.code, error.message);
  throw error;
}

export function registerMessageWriteRoutes(app: FastifyInstance): void {
  const { store } = app.emulator;
  const messageUrls = (suffix: string) => [
    ...owners(`/messages/:messageId${suffix}`),
    ...owners(`/mailFolders/:folderId/messages/:messageId${suffix}`),
  ];

  for (const url of [...owners("/messages"), ...owners("/mailFolders/:folderId/messages")]) {
    app.post(url, write, async (request, reply) => {
      const mailbox = mailboxOf(request);
      const folderRef = (request.params as { folderId?: string }).folderId ?? "drafts";
      const folder = folderOr404(mailbox, folderRef, reply);
      if (!folder) return reply;
      try {
        const json = parseMessageJson(request.body);
        const draft = deliverMessage(store, mailbox, folder.id, toDraftInput(json));
        return sendMessage(request, reply, draft, 201);
      } catch (error) {
        return inputErrorReply(reply, error);
      }
    });
  }

  for (const url of messageUrls("")) {
    app.patch(url, write, async (request, reply) => {
      const message = messageOr404(request, reply);
      if (!message) return reply;
      try {
        const json = parseMessageJson(request.body);
        const body = (request.body ?? {}) as Record<string, unknown>;
        if (!message.isDraft && DRAFT_ONLY.some((key) => body[key] !== undefined))
          throw new InputError(
            400,
            "ErrorInvalidPropertyUpdateSentMessage",
            "Update operation is invalid for property of a sent message.",
          );
        const patch = toPatch(json);
        // A reply draft's hidden In-Reply-To/References survive a PATCH of the x- headers.
        if (patch.internetMessageHeaders)
          patch.internetMessageHeaders = [
            ...message.internetMessageHeaders.filter((h) => !h.name?.toLowerCase().startsWith("x-")),
            ...patch.internetMessageHeaders,
          ];
        const updated = updateMessage(store, mailboxOf(request), message.id, patch);
        return sendMessage(request, reply, updated);
      } catch (error) {
        return inputErrorReply(reply, error);
      }
    });
    app.delete(url, write, async (request, reply) => remove(request, reply));
  }
  for (const url of messageUrls("/permanentDelete"))
    app.post(url, write, async (request, reply) => remove(request, reply));

  for (const action of ["move", "copy"] as const) {
    for (const url of messageUrls(`/${action}`)) {
      app.post(url, write, async (request, reply) => {
        const message = messageOr404(request, reply);
        if (!message) return reply;
        const parsed = Destination.safeParse(request.body);
        if (!parsed.success)
          return graphError(reply, 400, "ErrorInvalidRequest", "The destinationId parameter is required.");
        const mailbox = mailboxOf(request);
        const destination = folderOr404(mailbox, parsed.data.destinationId, reply);
        if (!destination) return reply;
        const result =
          action === "move"
            ? moveMessage(store, mailbox, message.id, destination.id)
            : copyMessage(store, mailbox, message.id, destination.id);
        return sendMessage(request, reply, result, 201);
      });
    }
  }

  function remove(request: FastifyRequest, reply: FastifyReply) {
    const message = messageOr404(request, reply);
    if (!message) return reply;
    deleteMessage(store, mailboxOf(request), message.id);
    return reply.code(204).send();
  }
}

/**
 * Changing messages: create a draft (POST /messages), PATCH, DELETE, permanentDelete, move, copy.
 * DELETE is Exchange's soft delete: the item leaves every folder Graph shows (it is not moved to
 * Deleted Items; clients that want that `move` to `deleteditems`). PATCH and DELETE honour
 * `If-Match` (etag.ts); every change gives the item a new changeKey, so a new `@odata.etag`.
 * `internetMessageHeaders` are not among message-update's properties: they are set when the item
 * is created (POST /messages, createReply's `message`, sendMail), and a PATCH naming them is refused.
 * https://learn.microsoft.com/graph/api/message-update, …/message-delete, …/message-move, …/message-copy
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { graphError } from "../errors/graph-error.ts";
import { copyMessage, deleteMessage, deliverMessage, moveMessage, updateMessage } from "../store/messages.ts";
import { checkIfMatch } from "./etag.ts";
import { folderOr404 } from "./folders.ts";
import { DRAFT_ONLY, InputError, parseMessageJson, toDraftInput, toPatch } from "./message-input.ts";
import { messageOr404, sendMessage } from "./messages.ts";
import { mailboxOf, owners } from "./routes.ts";

const write = { config: { graphAccess: "mail.write" as const } };
const Destination = z.object({ destinationId: z.string().min(1) });

export function inputErrorReply(reply: FastifyReply, error: unknown): FastifyReply {
  if (!(error instanceof InputError)) throw error;
  if (error.retryAfterSeconds !== undefined) reply.header("Retry-After", String(error.retryAfterSeconds));
  return graphError(reply, error.status, error.code, error.message);
}

/** A route under both message paths (`/messages/{id}…` and `/mailFolders/{id}/messages/{id}…`). */
function messageUrls(suffix: string): string[] {
  return [
    ...owners(`/messages/:messageId${suffix}`),
    ...owners(`/mailFolders/:folderId/messages/:messageId${suffix}`),
  ];
}

export function registerMessageWriteRoutes(app: FastifyInstance): void {
  const { store } = app.emulator;

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
    app.patch(url, write, async (request, reply) => patchMessage(app, request, reply));
    app.delete(url, write, async (request, reply) => remove(app, request, reply));
  }
  for (const url of messageUrls("/permanentDelete"))
    app.post(url, write, async (request, reply) => remove(app, request, reply));

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
}

/** PATCH: the updatable properties, honouring If-Match; sent messages keep their draft-only ones. */
function patchMessage(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  const message = messageOr404(request, reply);
  if (!message) return reply;
  try {
    checkIfMatch(request.headers["if-match"], message.changeKey);
    const json = parseMessageJson(request.body);
    const body = (request.body ?? {}) as Record<string, unknown>;
    // Graph documents no code for this; ErrorInvalidPropertySet is Exchange's "Set action is
    // invalid for property" for properties that can't be set (here: after creation).
    if (body.internetMessageHeaders !== undefined)
      throw new InputError(400, "ErrorInvalidPropertySet", "Set action is invalid for property.");
    if (!message.isDraft && DRAFT_ONLY.some((key) => body[key] !== undefined))
      throw new InputError(
        400,
        "ErrorInvalidPropertyUpdateSentMessage",
        "Update operation is invalid for property of a sent message.",
      );
    const patch = toPatch(json);
    const updated = updateMessage(app.emulator.store, mailboxOf(request), message.id, patch);
    return sendMessage(request, reply, updated);
  } catch (error) {
    return inputErrorReply(reply, error);
  }
}

/** DELETE and permanentDelete, honouring If-Match. */
function remove(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
  const message = messageOr404(request, reply);
  if (!message) return reply;
  try {
    checkIfMatch(request.headers["if-match"], message.changeKey);
  } catch (error) {
    return inputErrorReply(reply, error);
  }
  deleteMessage(app.emulator.store, mailboxOf(request), message.id);
  return reply.code(204).send();
}

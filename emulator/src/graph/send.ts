/**
 * Sending routes: createReply / createReplyAll / createForward (201 draft), reply / replyAll /
 * forward (202, one shot: the draft is created and sent, or removed again when sending fails),
 * POST /messages/{id}/send (202) and POST /sendMail (202, no id). The logic is in
 * reply-request.ts, send-message.ts, send-as.ts and submit.ts.
 * https://learn.microsoft.com/graph/api/message-send, …/user-sendmail, …/message-reply, …/message-createreply
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { graphError } from "../errors/graph-error.ts";
import { deleteMessage } from "../store/messages.ts";
import { inputErrorReply } from "./message-actions.ts";
import { parseMessageJson } from "./message-input.ts";
import { messageOr404, sendMessage } from "./messages.ts";
import type { ReplyKind } from "./reply-draft.ts";
import { createReplyDraft } from "./reply-request.ts";
import { mailboxOf, owners } from "./routes.ts";
import { sendDraft, sendMail } from "./send-message.ts";

/**
 * `saveToSentItems` is an Edm.Boolean; OData also reads the string form, and the sendMail page's
 * own example 1 sends `"saveToSentItems": "false"`.
 */
const SaveToSentItems = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i)
    .transform((value) => value.toLowerCase() === "true"),
]);
const SendMailBody = z.object({ message: z.unknown(), saveToSentItems: z.unknown().optional() });

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
        const parent = messageOr404(request, reply);
        if (!parent) return reply;
        try {
          const draft = createReplyDraft(store, mailboxOf(request), parent, kind, request.body);
          return sendMessage(request, reply, draft, 201);
        } catch (error) {
          return inputErrorReply(reply, error);
        }
      });
    for (const url of urls(kind))
      app.post(url, { config: { graphAccess: "mail.send" } }, async (request, reply) => {
        const parent = messageOr404(request, reply);
        if (!parent) return reply;
        const mailbox = mailboxOf(request);
        try {
          const draft = createReplyDraft(store, mailbox, parent, kind, request.body);
          try {
            sendDraft(store, mailbox, draft);
          } catch (error) {
            deleteMessage(store, mailbox, draft.id);
            throw error;
          }
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
      if (!parsed.success || parsed.data.message == null)
        return graphError(reply, 400, "ErrorInvalidRequest", "The message parameter is required.");
      const raw = parsed.data.saveToSentItems;
      const save = raw == null ? { success: true as const, data: true } : SaveToSentItems.safeParse(raw);
      if (!save.success)
        return graphError(
          reply,
          400,
          "RequestBodyRead",
          `Cannot convert the literal '${String(raw)}' to the expected type 'Edm.Boolean'.`,
        );
      try {
        sendMail(store, mailboxOf(request), parseMessageJson(parsed.data.message), save.data);
        return reply.code(202).send();
      } catch (error) {
        return inputErrorReply(reply, error);
      }
    });
}

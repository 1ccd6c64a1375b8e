/**
 * Reading messages: list (`/messages`, `/mailFolders/{id}/messages`) with the query options, and get.
 * https://learn.microsoft.com/graph/api/user-list-messages, https://learn.microsoft.com/graph/api/message-get
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Mailbox, MailFolder, StoredMessage } from "../store/types.ts";
import type { CompiledFilter } from "./filter.ts";
import { folderOr404 } from "./folders.ts";
import { resolveMessage } from "./message-ids.ts";
import { type AttachmentExpand, messageView, SELECTABLE_MESSAGE_FIELDS } from "./message-view.ts";
import { applyPreferences, readPreferences } from "./prefer.ts";
import {
  nextSkipLink,
  option,
  parseExpand,
  parseMessageFilter,
  parseMessageQuery,
  parseSelect,
  type Query,
} from "./query.ts";
import { contextUrl, itemNotFound, mailboxOf, owners, queryErrorReply } from "./routes.ts";

/** The message a `:messageId` (regular or immutable) names, in `:folderId` when the route has one. */
export function messageOr404(request: FastifyRequest, reply: FastifyReply): StoredMessage | undefined {
  const mailbox = mailboxOf(request);
  const { messageId, folderId } = request.params as { messageId: string; folderId?: string };
  const found = resolveMessage(request.server.emulator.store, mailbox, messageId);
  if (!found || (folderId !== undefined && folderOr404(mailbox, folderId, reply)?.id !== found.folder.id)) {
    if (!reply.sent) itemNotFound(reply);
    return undefined;
  }
  return found.message;
}

function allMessages(mailbox: Mailbox): StoredMessage[] {
  const all: StoredMessage[] = [];
  for (const folder of mailbox.folders.values())
    for (const message of folder.messages.values()) all.push(message);
  return all;
}

function matching(mailbox: Mailbox, folder: MailFolder | null, filter: CompiledFilter | null) {
  const messages = folder ? [...folder.messages.values()] : allMessages(mailbox);
  return filter ? messages.filter((message) => filter.test(message)) : messages;
}

/**
 * `GET …/messages/$count`: the number of messages matching `$filter`, as a text/plain integer.
 * https://learn.microsoft.com/graph/query-parameters#count-parameter
 */
function countMessages(request: FastifyRequest, reply: FastifyReply, folder: MailFolder | null) {
  let filter: CompiledFilter | null;
  try {
    filter = parseMessageFilter(option(request.query as Query, "filter"));
  } catch (error) {
    return queryErrorReply(reply, error);
  }
  const count = matching(mailboxOf(request), folder, filter).length;
  return reply.type("text/plain; charset=utf-8").send(String(count));
}

function listMessages(request: FastifyRequest, reply: FastifyReply, folder: MailFolder | null) {
  const mailbox = mailboxOf(request);
  let query: ReturnType<typeof parseMessageQuery>;
  try {
    query = parseMessageQuery(request);
  } catch (error) {
    return queryErrorReply(reply, error);
  }
  const prefs = readPreferences(request);
  const messages = matching(mailbox, folder, query.filter);
  sortMessages(messages, query.orderBy);
  const page = messages.slice(query.skip, query.skip + query.top);
  const where = folder ? `mailFolders('${folder.id}')/messages` : "messages";
  const body: Record<string, unknown> = {
    "@odata.context": contextUrl(
      request,
      mailbox,
      query.select ? `${where}(${query.select.join(",")})` : where,
    ),
  };
  if (query.count) body["@odata.count"] = messages.length;
  body.value = page.map((message) =>
    messageView(message, {
      ...prefs,
      bodyType: prefs.bodyType,
      select: query.select,
      expand: query.expand,
    }),
  );
  if (query.skip + query.top < messages.length)
    body["@odata.nextLink"] = nextSkipLink(request, request.server.emulator.baseUrl, query.skip + query.top);
  applyPreferences(reply, prefs);
  return body;
}

function sortMessages(messages: StoredMessage[], orderBy: { field: string; desc: boolean }[]) {
  messages.sort((a, b) => {
    for (const { field, desc } of orderBy) {
      const x = a[field as keyof StoredMessage];
      const y = b[field as keyof StoredMessage];
      const cmp = typeof x === "string" && typeof y === "string" ? x.localeCompare(y) : Number(x) - Number(y);
      if (cmp !== 0) return desc ? -cmp : cmp;
    }
    return 0;
  });
}

/** GET of one message: `$select`, `$expand=attachments`, Prefer id and body type. */
export function sendMessage(
  request: FastifyRequest,
  reply: FastifyReply,
  message: StoredMessage,
  status = 200,
) {
  const mailbox = mailboxOf(request);
  const query = request.query as Query;
  let select: string[] | null;
  let expand: AttachmentExpand | null;
  try {
    select = parseSelect(option(query, "select"), SELECTABLE_MESSAGE_FIELDS, "microsoft.graph.message");
    expand = parseExpand(option(query, "expand"));
  } catch (error) {
    return queryErrorReply(reply, error);
  }
  const prefs = readPreferences(request);
  applyPreferences(reply, prefs);
  const context = contextUrl(
    request,
    mailbox,
    select ? `messages(${select.join(",")})/$entity` : "messages/$entity",
  );
  return reply.code(status).send(
    messageView(message, {
      context,
      select,
      immutableIds: prefs.immutableIds,
      bodyType: prefs.bodyType,
      expand,
    }),
  );
}

export function registerMessageReadRoutes(app: FastifyInstance): void {
  const read = { config: { graphAccess: "mail.read" as const } };
  for (const url of owners("/messages"))
    app.get(url, read, async (request, reply) => listMessages(request, reply, null));
  for (const url of owners("/mailFolders/:folderId/messages")) {
    app.get(url, read, async (request, reply) => {
      const folder = folderOr404(
        mailboxOf(request),
        (request.params as { folderId: string }).folderId,
        reply,
      );
      return folder ? listMessages(request, reply, folder) : reply;
    });
  }
  for (const url of owners("/messages/$count"))
    app.get(url, read, async (request, reply) => countMessages(request, reply, null));
  for (const url of owners("/mailFolders/:folderId/messages/$count")) {
    app.get(url, read, async (request, reply) => {
      const folder = folderOr404(
        mailboxOf(request),
        (request.params as { folderId: string }).folderId,
        reply,
      );
      return folder ? countMessages(request, reply, folder) : reply;
    });
  }
  for (const url of [
    ...owners("/messages/:messageId"),
    ...owners("/mailFolders/:folderId/messages/:messageId"),
  ]) {
    // Not async (the hot path of every client; the reply is sent synchronously anyway). A sync
    // handler must return nothing: Fastify would send a returned value.
    app.get(url, read, (request, reply) => {
      const message = messageOr404(request, reply);
      if (message) sendMessage(request, reply, message);
    });
  }
}

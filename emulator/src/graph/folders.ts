/**
 * mailFolders: list (top level), get by id or well-known name, childFolders; create one at the top
 * level or under a folder. Lists leave hidden folders (Clutter) out unless
 * `includeHiddenFolders=true`.
 * https://learn.microsoft.com/graph/api/resources/mailfolder (well-known names, counts),
 * https://learn.microsoft.com/graph/api/user-list-mailfolders (includeHiddenFolders),
 * https://learn.microsoft.com/graph/api/user-post-mailfolders and mailfolder-post-childfolders
 * (`displayName`, optional `isHidden`; 201 with the folder; a name taken under the same parent is
 * 409 ErrorFolderExists)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { graphError } from "../errors/graph-error.ts";
import { findFolder, folderCounts, messageStats } from "../store/folders.ts";
import { newFolderId } from "../store/ids.ts";
import type { Mailbox, MailFolder } from "../store/types.ts";
import { nextSkipLink, option, type Query } from "./query.ts";
import { contextUrl, ITEM_NOT_FOUND, mailboxOf, owners } from "./routes.ts";

/** A folder as Graph returns it; `context` (a single folder's GET) is written first. */
export function folderView(folder: MailFolder, mailbox: Mailbox, context?: string): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  if (context !== undefined) view["@odata.context"] = context;
  const counts = folderCounts(folder, mailbox);
  view.id = folder.id;
  view.displayName = folder.displayName;
  view.parentFolderId = folder.parentFolderId;
  view.childFolderCount = counts.childFolderCount;
  view.unreadItemCount = counts.unreadItemCount;
  view.totalItemCount = counts.totalItemCount;
  view.sizeInBytes = messageStats(folder, mailbox).bodyChars + 1024 * folder.messages.size;
  view.isHidden = folder.isHidden;
  return view;
}

/** The folder for an id or well-known name, or the Graph error already sent. */
export function folderOr404(mailbox: Mailbox, ref: string, reply: FastifyReply): MailFolder | undefined {
  const folder = findFolder(mailbox, ref);
  if (folder) return folder;
  // Exchange: a name that is not an id and not a well-known name is a malformed id.
  if (/^[A-Za-z]+$/.test(ref)) graphError(reply, 400, "ErrorInvalidIdMalformed", "Id is malformed.");
  else graphError(reply, 404, "ErrorItemNotFound", ITEM_NOT_FOUND);
  return undefined;
}

export function registerFolderRoutes(app: FastifyInstance): void {
  const read = { config: { graphAccess: "mail.read" as const } };
  const write = { config: { graphAccess: "mail.write" as const } };
  const create = (request: FastifyRequest, reply: FastifyReply, parent: MailFolder | undefined) => {
    const mailbox = mailboxOf(request);
    if (!parent) return;
    const body = (request.body ?? {}) as { displayName?: unknown; isHidden?: unknown };
    const name = typeof body.displayName === "string" ? body.displayName.trim() : "";
    if (!name) return graphError(reply, 400, "ErrorInvalidRequest", "The displayName property is required.");
    const taken = [...mailbox.folders.values()].some(
      (f) => f.parentFolderId === parent.id && f.displayName.toLowerCase() === name.toLowerCase(),
    );
    if (taken)
      return graphError(reply, 409, "ErrorFolderExists", "A folder with the specified name already exists.");
    const folder: MailFolder = {
      id: newFolderId(),
      wellKnownName: null,
      displayName: name,
      parentFolderId: parent.id,
      isHidden: body.isHidden === true,
      messages: new Map(),
    };
    mailbox.folders.set(folder.id, folder);
    return reply
      .code(201)
      .send(folderView(folder, mailbox, contextUrl(request, mailbox, "mailFolders/$entity")));
  };
  for (const url of owners("/mailFolders")) {
    app.post(url, write, (request, reply) => {
      const root = [...mailboxOf(request).folders.values()].find((f) => f.wellKnownName === "msgfolderroot");
      return create(request, reply, root);
    });
  }
  for (const url of owners("/mailFolders/:folderId/childFolders")) {
    app.post(url, write, (request, reply) => {
      const id = (request.params as { folderId: string }).folderId;
      return create(request, reply, folderOr404(mailboxOf(request), id, reply));
    });
  }
  const list = (parentId: string | null, query: Query) => (mailbox: Mailbox) => {
    const hidden = option(query, "includeHiddenFolders")?.toLowerCase() === "true";
    return [...mailbox.folders.values()].filter(
      (folder) => folder.parentFolderId === parentId && (hidden || !folder.isHidden),
    );
  };

  for (const url of owners("/mailFolders")) {
    app.get(url, read, async (request) => {
      const mailbox = mailboxOf(request);
      const root = [...mailbox.folders.values()].find((f) => f.wellKnownName === "msgfolderroot");
      const query = request.query as Query;
      return page(query, list(root?.id ?? null, query)(mailbox), mailbox, (skip) =>
        nextSkipLink(request, request.server.emulator.baseUrl, skip),
      ).withContext(contextUrl(request, mailbox, "mailFolders"));
    });
  }
  for (const url of owners("/mailFolders/:folderId")) {
    // Not async (a hot path; nothing to wait for). A sync handler returns the body, or nothing
    // when the error was already sent.
    app.get(url, read, (request, reply) => {
      const mailbox = mailboxOf(request);
      const folder = folderOr404(mailbox, (request.params as { folderId: string }).folderId, reply);
      if (!folder) return;
      return folderView(folder, mailbox, contextUrl(request, mailbox, "mailFolders/$entity"));
    });
  }
  for (const url of owners("/mailFolders/:folderId/childFolders")) {
    app.get(url, read, async (request, reply) => {
      const mailbox = mailboxOf(request);
      const folder = folderOr404(mailbox, (request.params as { folderId: string }).folderId, reply);
      if (!folder) return reply;
      const query = request.query as Query;
      return page(query, list(folder.id, query)(mailbox), mailbox, (skip) =>
        nextSkipLink(request, request.server.emulator.baseUrl, skip),
      ).withContext(contextUrl(request, mailbox, `mailFolders('${folder.id}')/childFolders`));
    });
  }
}

/** Folder lists page with `$top` (default 10, as Graph) and `$skip`. */
function page(query: Query, folders: MailFolder[], mailbox: Mailbox, link: (skip: number) => string) {
  const top = Math.min(Math.max(Number(option(query, "top") ?? 10) || 10, 1), 1000);
  const skip = Math.max(Number(option(query, "skip") ?? 0) || 0, 0);
  const slice = folders.slice(skip, skip + top);
  return {
    withContext(context: string) {
      const body: Record<string, unknown> = { "@odata.context": context };
      if (skip + top < folders.length) body["@odata.nextLink"] = link(skip + top);
      body.value = slice.map((folder) => folderView(folder, mailbox));
      return body;
    },
  };
}

/**
 * Delta per folder: `GET …/mailFolders/{id}/messages/delta`. A round starts from nothing (every
 * message now in the folder) or from a `$deltatoken` (the folder's changes since, one entry per
 * message in its latest state; moved-out and deleted messages as `@removed`). Pages of
 * `Prefer: odata.maxpagesize` (default 10, cap 1000) link on with `$skiptoken`; the last page has the
 * `@odata.deltaLink`. `$select`, `$filter` (receivedDateTime ge|gt), `$orderby` (only
 * `receivedDateTime desc`; without it the order is the folder's, which Graph does not guarantee),
 * `$expand=attachments(…)` and `changeType` are read on the first request only and baked into the
 * tokens. With `$filter` a round holds at most 5,000 messages (the newest, when ordered). Evicted
 * tokens or a pruned change log → 410.
 * https://learn.microsoft.com/graph/api/message-delta, https://learn.microsoft.com/graph/delta-query-messages
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { graphError } from "../errors/graph-error.ts";
import { changeInFolder, type FolderChange } from "../store/change-view.ts";
import type { DeltaEntry, DeltaToken, SkipToken } from "../store/delta-types.ts";
import { newOpaqueToken } from "../store/ids.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox, MailFolder, StoredMessage } from "../store/types.ts";
import { folderOr404 } from "./folders.ts";
import { exposedMessageId } from "./message-ids.ts";
import { type AttachmentExpand, messageView, SELECTABLE_MESSAGE_FIELDS } from "./message-view.ts";
import { applyPreferences, readPreferences } from "./prefer.ts";
import { option, parseExpand, parseMessageFilter, parseSelect, type Query, QueryError } from "./query.ts";
import { mailboxOf, owners, queryErrorReply } from "./routes.ts";

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;
/** "Applying $filter in a delta query returns only up to 5,000 messages." */
const FILTERED_CAP = 5000;
const CHANGE_TYPES = new Set(["created", "updated", "deleted"]);

type RoundStart = Omit<SkipToken, "token">;

export function registerDeltaRoutes(app: FastifyInstance): void {
  for (const url of owners("/mailFolders/:folderId/messages/delta")) {
    app.get(url, { config: { graphAccess: "mail.read" } }, async (request, reply) => {
      const mailbox = mailboxOf(request);
      const folder = folderOr404(mailbox, (request.params as { folderId: string }).folderId, reply);
      if (!folder) return reply;
      const store = request.server.emulator.store;
      const query = request.query as Query;
      const skipToken = option(query, "skiptoken");
      const deltaToken = option(query, "deltatoken");
      let round: RoundStart | SkipToken;
      if (skipToken !== undefined || deltaToken !== undefined) {
        const state = store.state.deltaTokens.get(skipToken ?? deltaToken ?? "");
        if (!state || state.mailboxId !== mailbox.id || state.folderId !== folder.id)
          return syncStateGone(reply, mailbox, 0);
        if (state.kind === "skip") round = state;
        else {
          const started = incrementalRound(store, mailbox, folder, state);
          if (!started) return syncStateGone(reply, mailbox, state.seq);
          round = started;
        }
      } else {
        try {
          round = initialRound(mailbox, folder, query);
        } catch (error) {
          return queryErrorReply(reply, error);
        }
      }
      return servePage(request, reply, store, folder, round);
    });
  }
}

function syncStateGone(reply: FastifyReply, mailbox: Mailbox, generation: number) {
  // Observed text (microsoft-graph-docs issue #2350): "The sync state generation is not found; generation=149;[highest=157]…"
  return graphError(
    reply,
    410,
    "SyncStateNotFound",
    `The sync state generation is not found; generation=${generation};[highest=${mailbox.changeSeq}].`,
  );
}

interface BakedOptions {
  select: string[] | null;
  filter: string | null;
  orderBy: "receivedDateTime desc" | null;
  expand: AttachmentExpand | null;
}

function base(mailbox: Mailbox, folder: MailFolder, options: BakedOptions) {
  return {
    mailboxId: mailbox.id,
    folderId: folder.id,
    ...options,
    roundId: newOpaqueToken(9),
    offset: 0,
  };
}

/** "The only supported $orderby expression is $orderby=receivedDateTime+desc." (message-delta) */
function parseDeltaOrderBy(raw: string | undefined): "receivedDateTime desc" | null {
  if (raw === undefined || raw.trim() === "") return null;
  const [field, direction, ...rest] = raw.trim().split(/\s+/);
  if (field === "receivedDateTime" && direction?.toLowerCase() === "desc" && rest.length === 0)
    return "receivedDateTime desc";
  throw new QueryError(
    "BadRequest",
    "The only supported $orderby expression in a messages delta query is 'receivedDateTime desc'.",
  );
}

const newestFirst = (a: StoredMessage, b: StoredMessage) =>
  b.receivedDateTime.localeCompare(a.receivedDateTime);

function initialRound(mailbox: Mailbox, folder: MailFolder, query: Query): RoundStart {
  const select = parseSelect(option(query, "select"), SELECTABLE_MESSAGE_FIELDS, "microsoft.graph.message");
  const filterText = option(query, "filter") ?? null;
  const filter = parseMessageFilter(filterText ?? undefined);
  if (filter?.properties.some((property) => property !== "receivedDateTime"))
    throw new QueryError(
      "BadRequest",
      "Only receivedDateTime ge|gt filters are supported in a messages delta query.",
    );
  const changeType = option(query, "changeType") ?? null;
  if (changeType !== null && !CHANGE_TYPES.has(changeType))
    throw new QueryError("BadRequest", `Invalid value '${changeType}' for the changeType query option.`);
  const orderBy = parseDeltaOrderBy(option(query, "orderby"));
  const expand = parseExpand(option(query, "expand"));
  let messages = [...folder.messages.values()];
  if (filter) messages = messages.filter((message) => filter.test(message));
  if (orderBy) messages.sort(newestFirst);
  if (filter) messages = messages.slice(0, FILTERED_CAP);
  return {
    ...base(mailbox, folder, { select, filter: filterText, orderBy, expand }),
    kind: "skip",
    changeType: changeType as SkipToken["changeType"],
    seq: mailbox.changeSeq,
    createdAt: 0,
    entries: messages.map((message) => ({ id: message.id, kind: "present" })),
  };
}

/** The folder's changes since the token, one entry per message (its latest state), or undefined if pruned. */
function incrementalRound(
  store: Store,
  mailbox: Mailbox,
  folder: MailFolder,
  token: DeltaToken,
): RoundStart | undefined {
  const events = store.changesSince(mailbox, token.seq);
  if (!events) return undefined;
  const first = new Map<string, FolderChange>();
  for (const event of events) {
    const change = changeInFolder(event, folder.id);
    if (change && !first.has(event.messageId)) first.set(event.messageId, change);
  }
  const filter = parseMessageFilter(token.filter ?? undefined);
  const entries: DeltaEntry[] = [];
  for (const [id, firstChange] of first) {
    const message = folder.messages.get(id);
    const present = message !== undefined;
    if (token.changeType === "created" && !(present && firstChange === "created")) continue;
    if (token.changeType === "updated" && !(present && firstChange !== "created")) continue;
    if (token.changeType === "deleted" && present) continue;
    if (message && filter && !filter.test(message)) continue;
    entries.push(present ? { id, kind: "present" } : { id, kind: "removed", folderId: folder.id });
  }
  if (token.orderBy) {
    // Present messages newest first; removals (no receivedDateTime left to sort by) after them.
    const received = (entry: DeltaEntry) =>
      entry.kind === "present" ? (folder.messages.get(entry.id)?.receivedDateTime ?? "") : "";
    entries.sort((a, b) => received(b).localeCompare(received(a)));
  }
  return {
    ...base(mailbox, folder, {
      select: token.select,
      filter: token.filter,
      orderBy: token.orderBy ?? null,
      expand: token.expand ?? null,
    }),
    kind: "skip",
    changeType: token.changeType,
    seq: mailbox.changeSeq,
    createdAt: 0,
    entries,
  };
}

function servePage(
  request: FastifyRequest,
  reply: FastifyReply,
  store: Store,
  folder: MailFolder,
  round: RoundStart | SkipToken,
) {
  const { baseUrl, clock } = request.server.emulator;
  const prefs = readPreferences(request);
  const size = Math.min(prefs.maxPageSize ?? DEFAULT_PAGE, MAX_PAGE);
  const end = round.offset + size;
  const value = round.entries.slice(round.offset, end).map((entry) => {
    const message = entry.kind === "present" ? folder.messages.get(entry.id) : undefined;
    if (message)
      return messageView(message, {
        ...prefs,
        select: round.select,
        withType: true,
        expand: round.expand ?? null,
      });
    return {
      "@odata.type": "#microsoft.graph.message",
      id: exposedMessageId(entry.id, entry.folderId ?? folder.id, prefs.immutableIds),
      "@removed": { reason: "deleted" },
    };
  });
  const link = new URL(request.url, baseUrl);
  const shared = {
    mailboxId: round.mailboxId,
    folderId: round.folderId,
    select: round.select,
    filter: round.filter,
    orderBy: round.orderBy ?? null,
    expand: round.expand ?? null,
  };
  const body: Record<string, unknown> = { "@odata.context": `${baseUrl}/v1.0/$metadata#Collection(message)` };
  const token = newOpaqueToken();
  if (end < round.entries.length) {
    const next: SkipToken = { ...round, token, offset: end, createdAt: clock.now() };
    store.state.deltaTokens.set(token, next);
    body["@odata.nextLink"] = `${link.origin}${link.pathname}?$skiptoken=${token}`;
  } else {
    forgetRound(store, round);
    store.state.deltaTokens.set(token, {
      ...shared,
      kind: "delta",
      token,
      changeType: round.changeType,
      seq: round.seq,
      createdAt: clock.now(),
    });
    body["@odata.deltaLink"] = `${link.origin}${link.pathname}?$deltatoken=${token}`;
  }
  body.value = value;
  applyPreferences(reply, prefs, prefs.maxPageSize ? [`odata.maxpagesize=${size}`] : []);
  return body;
}

/** Once a round completes, its earlier skip tokens are no longer needed (the served one stays for retries). */
function forgetRound(store: Store, round: RoundStart | SkipToken): void {
  const keep = "token" in round ? round.token : null;
  for (const [token, state] of store.state.deltaTokens) {
    if (state.kind === "skip" && state.roundId === round.roundId && token !== keep)
      store.state.deltaTokens.delete(token);
  }
}

/** Drops every delta/skip token (or one mailbox's): the next request with one answers 410. */
export function evictDeltaTokens(store: Store, mailboxId?: string): number {
  let evicted = 0;
  for (const [token, state] of store.state.deltaTokens) {
    if (mailboxId === undefined || state.mailboxId === mailboxId) {
      store.state.deltaTokens.delete(token);
      evicted++;
    }
  }
  return evicted;
}

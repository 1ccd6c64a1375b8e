import { z } from "zod";
import { conversationStatus } from "./conversations.ts";
import { defineRoute } from "./route.ts";
import { isoDateTime } from "./scalars.ts";

/**
 * Acting on conversations (ADR 019): read state, archive, move, categories — mirrored in Outlook
 * through Graph — and Mailroom's own open/closed status. One conversation answers at once; a
 * selection (ids, or everything matching the list's filters) becomes a bulk action that runs as
 * a job and reports its progress as live events.
 */

const folderId = z.string().trim().min(1).max(400);

export const conversationAction = z.discriminatedUnion("type", [
  z.object({ type: z.literal("markRead") }),
  z.object({ type: z.literal("markUnread") }),
  /** To the mailbox's Archive folder; `markRead` first when asked (Outlook's "mark read and archive"). */
  z.object({ type: z.literal("archive"), markRead: z.boolean().optional() }),
  /** To a folder: its id in the mailbox, or a well-known name (`deleteditems`, `junkemail`, …). */
  z.object({ type: z.literal("move"), folderId, markRead: z.boolean().optional() }),
  /** Sets Outlook categories on every message (replacing theirs). */
  z.object({
    type: z.literal("categorize"),
    categories: z.array(z.string().trim().min(1).max(255)).max(25),
  }),
  z.object({ type: z.literal("close") }),
  z.object({ type: z.literal("reopen") }),
]);
export type ConversationAction = z.infer<typeof conversationAction>;
export type ConversationActionType = ConversationAction["type"];

/** One conversation's result: Outlook may accept some of its messages' changes and refuse others. */
export const actionOutcome = z.object({
  conversationId: z.string(),
  ok: z.boolean(),
  /** Messages Microsoft refused (or that failed) — 0 when ok. */
  failedMessages: z.number().int(),
  /** In words, when not ok. */
  error: z.string().optional(),
});
export type ActionOutcome = z.infer<typeof actionOutcome>;

/** The list's filters in a JSON body (as in the list's query string). */
export const selectionFilter = z.object({
  inboxId: z.string().max(100).optional(),
  status: conversationStatus.optional(),
  unread: z.boolean().optional(),
  q: z.string().trim().max(200).optional(),
});
export type SelectionFilter = z.infer<typeof selectionFilter>;

/** The most conversations a bulk action names by id; "all matching" has no such limit. */
export const MAX_BULK_IDS = 10_000;

export const bulkSelection = z.union([
  z.object({ ids: z.array(z.string().max(100)).min(1).max(MAX_BULK_IDS) }),
  z.object({ allMatching: selectionFilter }),
]);
export type BulkSelection = z.infer<typeof bulkSelection>;

export const BULK_ACTION_STATUSES = ["queued", "running", "done", "failed"] as const;
export const bulkActionStatus = z.enum(BULK_ACTION_STATUSES);
export type BulkActionStatus = z.infer<typeof bulkActionStatus>;

export const bulkAction = z.object({
  id: z.string(),
  action: conversationAction,
  status: bulkActionStatus,
  /** Conversations selected (known once the job has resolved the selection; 0 before). */
  total: z.number().int(),
  /** Conversations decided so far, failed ones included. */
  done: z.number().int(),
  failed: z.number().int(),
  /** The conversations that failed (first 200), with why in words. */
  failures: z.array(actionOutcome.extend({ subject: z.string() })),
  /** The result in words, once done: "Archived 98 conversations; 2 failed". */
  summary: z.string().nullable(),
  createdAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
});
export type BulkAction = z.infer<typeof bulkAction>;

/** A folder of a mailbox that conversations can be moved to (the `folderId` of a move). */
export const folderChoice = z.object({
  id: z.string(),
  name: z.string(),
  /** From the top level down: "Inbox / Vendors". */
  path: z.string(),
});
export type FolderChoice = z.infer<typeof folderChoice>;

export const actionRoutes = {
  /** The mailbox's folders, its own ones included, read from Outlook (Drafts, Outbox and Sent Items left out). */
  listChannelFolders: defineRoute({
    method: "GET",
    path: "/api/channels/:id/folders",
    params: z.object({ id: z.string() }),
    response: { 200: z.object({ folders: z.array(folderChoice) }) },
  }),
  /** Acts on one conversation now; 200 with its outcome (Outlook refusing is `ok: false`, not a 4xx). */
  actOnConversation: defineRoute({
    method: "POST",
    path: "/api/conversations/:id/actions",
    params: z.object({ id: z.string() }),
    body: z.object({ action: conversationAction }),
    response: { 200: z.object({ outcome: actionOutcome }) },
  }),
  /** Starts a bulk action; 202, then `bulkActions.progress` events until it is done. */
  startBulkAction: defineRoute({
    method: "POST",
    path: "/api/bulk-actions",
    body: z.object({ action: conversationAction, selection: bulkSelection }),
    response: { 202: z.object({ bulkAction }) },
  }),
  getBulkAction: defineRoute({
    method: "GET",
    path: "/api/bulk-actions/:id",
    params: z.object({ id: z.string() }),
    response: { 200: z.object({ bulkAction }) },
  }),
};

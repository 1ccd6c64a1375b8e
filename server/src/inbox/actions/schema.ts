import { BULK_ACTION_STATUSES, type BulkAction, type ConversationAction } from "@mailroom/contract";
import { check, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { orgIdColumn, user } from "../../accounts/schema.ts";
import { at, oneOf } from "../../db/columns.ts";

/** What a bulk action was asked to act on: the ids, or everything the list's filters matched. */
export type StoredSelection = {
  /** The channels the member could see when starting it: the action never reaches further. */
  channelIds: string[];
} & (
  | { ids: string[] }
  | { allMatching: { inboxId?: string; status?: "open" | "closed"; unread?: boolean; q?: string } }
);

/**
 * A bulk action (ADR 019): the request, then the job's progress and its per-conversation failures.
 * Counters are written as the job goes, so a reload (or another agent) sees where it stands.
 */
export const bulkActions = pgTable(
  "bulk_actions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    action: jsonb("action").$type<ConversationAction>().notNull(),
    selection: jsonb("selection").$type<StoredSelection>().notNull(),
    status: text("status", { enum: BULK_ACTION_STATUSES }).notNull().default("queued"),
    total: integer("total").notNull().default(0),
    done: integer("done").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    failures: jsonb("failures").$type<BulkAction["failures"]>().notNull().default([]),
    summary: text("summary"),
    createdAt: at("created_at").defaultNow().notNull(),
    finishedAt: at("finished_at"),
  },
  (t) => [
    index("bulk_actions_org_created_idx").on(t.orgId, t.createdAt),
    check("bulk_actions_status_check", oneOf(t.status, BULK_ACTION_STATUSES)),
  ],
);

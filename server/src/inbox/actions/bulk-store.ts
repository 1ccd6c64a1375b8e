import type { ActionOutcome, BulkAction, BulkActionStatus, LiveEvent } from "@mailroom/contract";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { notFound } from "../../errors.ts";
import type { EventBus } from "../../events/bus.ts";
import type { Logger } from "../../log.ts";
import { isUuid } from "../visibility.ts";
import { bulkActions } from "./schema.ts";

export type BulkActionRow = typeof bulkActions.$inferSelect;

/** Failures kept per bulk action (the summary still counts them all). */
export const MAX_KEPT_FAILURES = 200;

export async function findBulkAction(db: Db, id: string): Promise<BulkActionRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await db.select().from(bulkActions).where(eq(bulkActions.id, id));
  return row;
}

/** A bulk action its starter may see; 404 for anyone else's, as for every other id. */
export async function findOwnBulkAction(db: Db, viewer: { orgId: string; userId: string }, id: string) {
  const row = await findBulkAction(db, id);
  if (!row || row.orgId !== viewer.orgId || row.userId !== viewer.userId) throw notFound("Bulk action");
  return row;
}

export function bulkActionView(row: BulkActionRow): BulkAction {
  return {
    id: row.id,
    action: row.action,
    status: row.status,
    total: row.total,
    done: row.done,
    failed: row.failed,
    failures: row.failures,
    summary: row.summary,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export async function setBulkStatus(
  db: Db,
  id: string,
  fields: { status: BulkActionStatus; total?: number; summary?: string },
): Promise<BulkActionRow> {
  const finished = fields.status === "done" || fields.status === "failed";
  // A (re)started run counts from zero: a job run again after its worker died starts over.
  const restart = fields.status === "running" ? { done: 0, failed: 0, failures: [] } : {};
  const [row] = await db
    .update(bulkActions)
    .set({ ...fields, ...restart, ...(finished ? { finishedAt: new Date() } : {}) })
    .where(eq(bulkActions.id, id))
    .returning();
  return row!;
}

/** Adds decided conversations to the counters, and failures (with their subjects) to the list. */
export async function addBulkOutcomes(
  db: Db,
  id: string,
  outcomes: ActionOutcome[],
  subjects: Map<string, string>,
): Promise<BulkActionRow> {
  const failures = outcomes
    .filter((o) => !o.ok)
    .map((o) => ({ ...o, subject: subjects.get(o.conversationId) ?? "" }));
  const [row] = await db
    .update(bulkActions)
    .set({
      done: sql`${bulkActions.done} + ${outcomes.length}`,
      failed: sql`${bulkActions.failed} + ${failures.length}`,
      failures:
        failures.length === 0
          ? sql`${bulkActions.failures}`
          : sql`(select coalesce(jsonb_agg(x.f order by x.n), '[]'::jsonb) from (select a.f, a.n from jsonb_array_elements(${bulkActions.failures} || ${JSON.stringify(failures)}::jsonb) with ordinality as a(f, n) order by a.n limit ${MAX_KEPT_FAILURES}) x)`,
    })
    .where(eq(bulkActions.id, id))
    .returning();
  return row!;
}

export function progressEvent(row: BulkActionRow): LiveEvent {
  return {
    type: "bulkActions.progress",
    data: { bulkActionId: row.id, status: row.status, total: row.total, done: row.done, failed: row.failed },
  };
}

/**
 * Tells the org's browsers how far the action is. The store holds the progress, so an event that
 * cannot be published is logged and skipped: the action goes on.
 */
export async function publishProgress(
  events: EventBus,
  row: BulkActionRow,
  logger?: Pick<Logger, "warn">,
): Promise<void> {
  await events
    .publish(row.orgId, progressEvent(row))
    .catch((err: unknown) =>
      logger?.warn({ err, bulkActionId: row.id }, "live event bulkActions.progress not published (skipped)"),
    );
}

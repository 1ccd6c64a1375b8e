import type { OutboxItem } from "@mailroom/contract";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import { type OutboxState, type OutboxStep, outboxMessages } from "./schema.ts";

/**
 * The outbox table's reads and writes. Every change of state is a compare-and-set on the state
 * the writer expects (`advance`): an Undo and the send job racing for one row can't both win, and
 * a resumed job never repeats a step another run already recorded.
 */

export type OutboxRow = typeof outboxMessages.$inferSelect;
export type NewOutboxRow = typeof outboxMessages.$inferInsert;

/** The stored row, or undefined when the member's send key is taken (a concurrent Send stored it). */
export async function insertOutbox(db: Db, row: NewOutboxRow): Promise<OutboxRow | undefined> {
  const [inserted] = await db
    .insert(outboxMessages)
    .values(row)
    .onConflictDoNothing({
      target: [outboxMessages.orgId, outboxMessages.createdBy, outboxMessages.sendKey],
    })
    .returning();
  return inserted;
}

/** The member's message queued with this send key, if any. */
export async function findBySendKey(
  db: Db,
  m: { orgId: string; userId: string },
  sendKey: string,
): Promise<OutboxRow | undefined> {
  const [row] = await db
    .select()
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.orgId, m.orgId),
        eq(outboxMessages.createdBy, m.userId),
        eq(outboxMessages.sendKey, sendKey),
      ),
    )
    .limit(1);
  return row;
}

export async function findOutbox(db: Db, id: string, orgId?: string): Promise<OutboxRow | undefined> {
  const [row] = await db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.id, id), orgId ? eq(outboxMessages.orgId, orgId) : undefined))
    .limit(1);
  return row;
}

/**
 * Moves the row from one of `from` to `to` with the step's fields, only if it is still in one of
 * them; the updated row, or undefined when another writer moved it first.
 */
export async function advance(
  db: Db,
  row: Pick<OutboxRow, "id">,
  from: OutboxState[],
  to: OutboxState,
  fields: Partial<NewOutboxRow> = {},
  step: Omit<OutboxStep, "state" | "at"> = {},
): Promise<OutboxRow | undefined> {
  const record: OutboxStep = { state: to, at: new Date().toISOString(), ...step };
  const [updated] = await db
    .update(outboxMessages)
    .set({
      ...fields,
      state: to,
      updatedAt: new Date(),
      steps: sql`${outboxMessages.steps} || ${JSON.stringify([record])}::jsonb`,
    })
    .where(and(eq(outboxMessages.id, row.id), inArray(outboxMessages.state, from)))
    .returning();
  return updated;
}

/** Updates fields without changing state (e.g. the send time a limit pushed back). */
export async function updateOutbox(db: Db, id: string, fields: Partial<NewOutboxRow>): Promise<void> {
  await db
    .update(outboxMessages)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(outboxMessages.id, id));
}

/** Not yet in the conversation's synced thread: on its way, or failed (shown with Retry). */
export const SHOWN_STATES: OutboxState[] = [
  "queued",
  "draft_created",
  "patched",
  "attachments_uploaded",
  "sent",
  "failed",
];

export async function conversationOutbox(db: Db, orgId: string, conversationId: string) {
  return db
    .select()
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.orgId, orgId),
        eq(outboxMessages.conversationId, conversationId),
        inArray(outboxMessages.state, SHOWN_STATES),
      ),
    )
    .orderBy(desc(outboxMessages.createdAt));
}

/**
 * When the channel's messages went or will go (sent, or on their way), newest first, within the
 * window: the sending limits are counted over these.
 */
export async function sendTimes(db: Db, channelId: string, since: Date) {
  return db
    .select({
      at: sql<Date>`coalesce(${outboxMessages.sentAt}, ${outboxMessages.willGoAt}, ${outboxMessages.sendAt})`.mapWith(
        (v: string | Date) => new Date(v),
      ),
      recipients:
        sql<number>`jsonb_array_length(${outboxMessages.toRecipients}) + jsonb_array_length(${outboxMessages.ccRecipients}) + jsonb_array_length(${outboxMessages.bccRecipients})`.mapWith(
          Number,
        ),
    })
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.channelId, channelId),
        sql`${outboxMessages.state} not in ('failed', 'cancelled')`,
        sql`coalesce(${outboxMessages.sentAt}, ${outboxMessages.willGoAt}, ${outboxMessages.sendAt}) >= ${since}`,
      ),
    )
    .orderBy(sql`1 desc`);
}

export function outboxView(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    channelId: row.channelId,
    conversationId: row.conversationId,
    messageId: row.parentMessageId,
    from: row.fromAddress,
    to: row.toRecipients,
    cc: row.ccRecipients,
    bcc: row.bccRecipients,
    subject: row.subject,
    html: row.bodyHtml,
    attachments: row.attachments.map((a) => ({ uploadId: a.uploadId, name: a.name, size: a.size })),
    createdBy: row.createdBy ? { id: row.createdBy, name: row.createdByName } : null,
    createdAt: row.createdAt.toISOString(),
    sendAt: row.sendAt.toISOString(),
    willGoAt: row.willGoAt?.toISOString() ?? null,
    error:
      row.state === "failed"
        ? { code: row.failureCode ?? "unknown", message: row.failureMessage ?? "Sending failed" }
        : null,
  };
}

/** The live cue for the composer and the thread: this outgoing message changed. */
export async function publishOutboxChanged(events: EventBus, row: OutboxRow): Promise<void> {
  await events.publish(row.orgId, {
    type: "outbox.updated",
    data: {
      channelId: row.channelId,
      outboxId: row.id,
      conversationId: row.conversationId,
      state: row.state,
    },
  });
}

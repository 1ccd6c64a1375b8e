import { and, asc, eq, gt, inArray, isNull, lte, or } from "drizzle-orm";
import type { SecretBox } from "../../crypto/secret-box.ts";
import type { Db } from "../../db/client.ts";
import type { FollowedFolder } from "../../mail/folders.ts";
import { type SubscriptionRow, subscriptions } from "./schema.ts";

/**
 * The `subscriptions` table's only reader and writer. The subscription stage creates, renews,
 * reauthorizes and deletes rows here; intake looks up clientStates and sync health reads expiries
 * through the functions below — never the table itself.
 */

export type NewSubscriptionRow = typeof subscriptions.$inferInsert;

/** The secret box context of a subscription's clientState. */
export const clientStateContext = (id: string) => `subscription:${id}:client_state`;

/**
 * Intake remembers a subscription id it could not find for this long (intake/subscription-cache.ts).
 * Graph may notify a new subscription before its row is stored, and such notifications are
 * dropped; so after storing one, a catch-up sync is queued to start once that memory has run out
 * (subscribe-channel.ts).
 */
export const UNKNOWN_SUBSCRIPTION_MEMORY_MS = 5_000;

export async function findSubscription(db: Db, id: string): Promise<SubscriptionRow | undefined> {
  const [row] = await db.select().from(subscriptions).where(eq(subscriptions.id, id));
  return row;
}

export async function channelSubscriptions(db: Db, channelId: string): Promise<SubscriptionRow[]> {
  return db.select().from(subscriptions).where(eq(subscriptions.channelId, channelId));
}

/**
 * Stores a new subscription, replacing `old` if given, in one transaction. False when `old` was
 * already gone (another worker replaced it first): then nothing is stored.
 */
export async function replaceSubscription(
  db: Db,
  row: NewSubscriptionRow,
  old?: SubscriptionRow,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (old) {
      const gone = await tx
        .delete(subscriptions)
        .where(eq(subscriptions.id, old.id))
        .returning({ id: subscriptions.id });
      if (gone.length === 0) return false;
    }
    await tx.insert(subscriptions).values(row);
    return true;
  });
}

/** The ids of a channel's subscriptions for one folder, lowest first (the one kept on a race). */
export async function folderSubscriptionIds(
  db: Db,
  channelId: string,
  folder: FollowedFolder,
): Promise<string[]> {
  const rows = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(and(eq(subscriptions.channelId, channelId), eq(subscriptions.folder, folder)))
    .orderBy(asc(subscriptions.id));
  return rows.map((r) => r.id);
}

export async function deleteSubscriptionRow(db: Db, id: string): Promise<void> {
  await db.delete(subscriptions).where(eq(subscriptions.id, id));
}

export async function deleteChannelSubscriptions(db: Db, channelId: string): Promise<void> {
  await db.delete(subscriptions).where(eq(subscriptions.channelId, channelId));
}

/** Graph holds these subscriptions authorized until `until` (the token behind the last call). */
export async function markAuthorized(db: Db, ids: string[], until: Date | null): Promise<void> {
  if (ids.length === 0) return;
  await db.update(subscriptions).set({ authorizedUntil: until }).where(inArray(subscriptions.id, ids));
}

/** A renewal Graph accepted: the new expiry, when to renew next, and until when it is authorized. */
export async function markRenewed(
  db: Db,
  id: string,
  renewed: Pick<SubscriptionRow, "expiresAt" | "maxMinutes" | "renewedAt" | "renewAt" | "authorizedUntil">,
): Promise<void> {
  await db.update(subscriptions).set(renewed).where(eq(subscriptions.id, id));
}

/** A subscription Graph no longer has and refused to recreate: expired now, retried at `retryAt`. */
export async function markLapsed(db: Db, row: SubscriptionRow, now: Date, retryAt: Date): Promise<void> {
  await db
    .update(subscriptions)
    .set({ expiresAt: new Date(Math.min(row.expiresAt.getTime(), now.getTime())), renewAt: retryAt })
    .where(eq(subscriptions.id, row.id));
}

/** Renew these again at `at`. */
export async function postponeRenewal(db: Db, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(subscriptions).set({ renewAt: at }).where(inArray(subscriptions.id, ids));
}

/** Subscriptions whose renewal time has come (or was never set), the most overdue first. */
export async function dueForRenewal(db: Db, now: Date, limit: number): Promise<SubscriptionRow[]> {
  return db
    .select()
    .from(subscriptions)
    .where(or(lte(subscriptions.renewAt, now), isNull(subscriptions.renewAt)))
    .orderBy(asc(subscriptions.renewAt))
    .limit(limit);
}

/** The channel's live subscriptions and until when Graph holds each authorized. */
export async function liveAuthorizations(
  db: Db,
  channelId: string,
  now: Date,
): Promise<{ id: string; authorizedUntil: Date | null }[]> {
  return db
    .select({ id: subscriptions.id, authorizedUntil: subscriptions.authorizedUntil })
    .from(subscriptions)
    .where(and(eq(subscriptions.channelId, channelId), gt(subscriptions.expiresAt, now)));
}

/** For intake: each known id's channel and its clientState, opened. */
export async function subscriptionSecrets(
  db: Db,
  box: SecretBox,
  ids: string[],
): Promise<{ id: string; channelId: string; clientState: string }[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({
      id: subscriptions.id,
      channelId: subscriptions.channelId,
      clientStateSealed: subscriptions.clientStateSealed,
    })
    .from(subscriptions)
    .where(inArray(subscriptions.id, ids));
  return rows.map((row) => ({
    id: row.id,
    channelId: row.channelId,
    clientState: box.open(row.clientStateSealed, clientStateContext(row.id)),
  }));
}

/** For sync health: folder and expiry only (never ids or secrets), by channel, ordered by folder. */
export async function subscriptionExpiries(
  db: Db,
  channelIds: string[],
): Promise<{ channelId: string; folder: string; expiresAt: Date }[]> {
  if (channelIds.length === 0) return [];
  return db
    .select({
      channelId: subscriptions.channelId,
      folder: subscriptions.folder,
      expiresAt: subscriptions.expiresAt,
    })
    .from(subscriptions)
    .where(inArray(subscriptions.channelId, channelIds))
    .orderBy(subscriptions.folder);
}

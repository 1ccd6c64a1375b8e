import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { inboxChannels, inboxes } from "./schema.ts";

export const DEFAULT_INBOX_NAME = "Shared inbox";

/** The org's default inbox, created on first need (idempotent under concurrency). */
export async function ensureDefaultInbox(db: Db, orgId: string): Promise<typeof inboxes.$inferSelect> {
  const [existing] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.orgId, orgId), eq(inboxes.isDefault, true)))
    .limit(1);
  if (existing) return existing;
  await db
    .insert(inboxes)
    .values({
      orgId,
      name: DEFAULT_INBOX_NAME,
      description: "Everything your connected mailboxes receive",
      isDefault: true,
    })
    .onConflictDoNothing();
  const [created] = await db
    .select()
    .from(inboxes)
    .where(and(eq(inboxes.orgId, orgId), eq(inboxes.isDefault, true)))
    .limit(1);
  if (!created) throw new Error("Default inbox could not be created (an inbox already uses its name)");
  return created;
}

/** A newly connected channel lands in the org's default inbox. */
export async function linkToDefaultInbox(db: Db, orgId: string, channelId: string): Promise<void> {
  const inbox = await ensureDefaultInbox(db, orgId);
  await db.insert(inboxChannels).values({ inboxId: inbox.id, channelId, orgId }).onConflictDoNothing();
}

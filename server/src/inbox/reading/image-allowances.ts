import type { RemoteImageScope } from "@mailroom/contract";
import { and, eq, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { remoteImageAllowances } from "./schema.ts";

type AllowedMessage = { id: string; fromAddress: string | null };

/** The org's allowances that cover this message: its own, and its sender's. */
function coveringAllowances(orgId: string, message: AllowedMessage) {
  const sender = message.fromAddress?.toLowerCase();
  return and(
    eq(remoteImageAllowances.orgId, orgId),
    or(
      eq(remoteImageAllowances.messageId, message.id),
      sender ? eq(remoteImageAllowances.senderAddress, sender) : undefined,
    ),
  );
}

/** Remote images allowed for this message, or for its sender (org-wide), or null. */
export async function remoteImagesAllowed(
  db: Db,
  orgId: string,
  message: AllowedMessage,
): Promise<RemoteImageScope | null> {
  const rows = await db
    .select({ messageId: remoteImageAllowances.messageId })
    .from(remoteImageAllowances)
    .where(coveringAllowances(orgId, message));
  if (rows.some((r) => r.messageId === null)) return "sender";
  return rows.length > 0 ? "message" : null;
}

/** Records an allowance; allowing twice is allowing once. */
export async function allowRemoteImages(
  db: Db,
  viewer: { orgId: string; userId: string },
  message: AllowedMessage,
  scope: RemoteImageScope,
): Promise<void> {
  const sender = message.fromAddress?.toLowerCase();
  await db
    .insert(remoteImageAllowances)
    .values({
      orgId: viewer.orgId,
      createdBy: viewer.userId,
      ...(scope === "sender" && sender ? { senderAddress: sender } : { messageId: message.id }),
    })
    .onConflictDoNothing();
}

/** Withdraws the allowances that show this message's remote images: its own and its sender's. */
export async function blockRemoteImages(db: Db, orgId: string, message: AllowedMessage): Promise<void> {
  await db.delete(remoteImageAllowances).where(coveringAllowances(orgId, message));
}

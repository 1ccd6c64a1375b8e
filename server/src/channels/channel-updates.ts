import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { ChannelRow } from "./channel-store.ts";
import { channels } from "./schema.ts";

// Writes the channel page makes to its channel (connecting and tokens are in channel-store.ts).

/** The settings form's fields; those left out stay as they are. */
export type ChannelSettings = Partial<
  Pick<ChannelRow, "displayName" | "signature" | "autoBcc" | "undoSendSeconds">
>;

export async function updateChannelSettings(
  db: Db,
  orgId: string,
  channelId: string,
  settings: ChannelSettings,
): Promise<ChannelRow> {
  const [updated] = await db
    .update(channels)
    .set({ ...settings, updatedAt: new Date() })
    .where(and(eq(channels.id, channelId), eq(channels.orgId, orgId)))
    .returning();
  return updated!;
}

/**
 * Disconnect: with `keepConversations` the row stays (its mail keeps its channel) without tokens;
 * otherwise the channel goes, and its mail with it.
 */
export async function disconnectChannel(
  db: Db,
  orgId: string,
  channelId: string,
  keepConversations: boolean,
): Promise<void> {
  const ofOrg = and(eq(channels.id, channelId), eq(channels.orgId, orgId));
  if (!keepConversations) {
    await db.delete(channels).where(ofOrg);
    return;
  }
  await db
    .update(channels)
    .set({
      status: "disconnected",
      statusReason: null,
      statusChangedAt: new Date(),
      accessTokenSealed: null,
      refreshTokenSealed: null,
      accessTokenExpiresAt: null,
      updatedAt: new Date(),
    })
    .where(ofOrg);
}

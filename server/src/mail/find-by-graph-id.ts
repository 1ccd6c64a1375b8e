import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { messages } from "./schema.ts";

/**
 * Stored messages of a channel by Graph's immutable ids: the outbox finds the Sent Items copy of
 * what it sent (the draft's id survives the send) once the sync has stored it.
 */
export async function messagesByGraphIds(db: Db, channelId: string, graphIds: string[]) {
  if (graphIds.length === 0) return [];
  return db
    .select({ id: messages.id, graphId: messages.graphId, conversationId: messages.conversationId })
    .from(messages)
    .where(
      and(eq(messages.channelId, channelId), inArray(messages.graphId, graphIds), isNull(messages.removedAt)),
    );
}

import { and, count, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { messages } from "./schema.ts";

/** How many live (not removed) messages the store holds for a channel: the first sync's progress. */
export async function liveMessageCount(db: Db, channelId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), isNull(messages.removedAt)));
  return row?.n ?? 0;
}

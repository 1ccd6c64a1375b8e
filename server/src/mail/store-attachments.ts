import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { messages } from "./schema.ts";
import type { AttachmentInfo } from "./stored-json.ts";

/**
 * Keeps an attachment list fetched on first open for a message stored without one. Only while the
 * list is still unknown: a list the sync stored meanwhile is the newer truth.
 */
export async function saveAttachmentList(db: Db, messageId: string, list: AttachmentInfo[]): Promise<void> {
  await db
    .update(messages)
    .set({ attachments: list })
    .where(and(eq(messages.id, messageId), isNull(messages.attachments)));
}

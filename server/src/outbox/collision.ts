import type { SendCollision } from "@mailroom/contract";
import { and, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { messageView } from "../inbox/conversation-store.ts";
import { threadMessages } from "../mail/read-thread.ts";
import { outboxView } from "./outbox-store.ts";
import { outboxMessages } from "./schema.ts";

/**
 * No double answers: a Send names the newest message the agent had seen. Anything newer in the
 * thread (the customer wrote again, a colleague's reply arrived) or a colleague's reply still on
 * its way stops it with a 409 carrying them, shown first; the agent may then send anyway.
 */
export async function assertNothingNewer(
  db: Db,
  scope: { orgId: string; userId: string; conversationId: string },
  lastSeenMessageId: string | undefined,
): Promise<void> {
  const thread = await threadMessages(db, scope.orgId, scope.conversationId);
  const seenAt = lastSeenMessageId ? thread.findIndex((m) => m.id === lastSeenMessageId) : -1;
  // No id, or one no longer in the thread (removed since): only colleagues' pending replies count.
  const newer = seenAt === -1 ? [] : thread.slice(seenAt + 1);
  const pending = await db
    .select()
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.orgId, scope.orgId),
        eq(outboxMessages.conversationId, scope.conversationId),
        ne(outboxMessages.createdBy, scope.userId),
        inArray(outboxMessages.state, ["queued", "draft_created", "patched", "attachments_uploaded", "sent"]),
      ),
    );
  if (newer.length === 0 && pending.length === 0) return;
  const details: SendCollision = {
    reason: "newer_messages",
    messages: newer.map(messageView),
    pending: pending.map(outboxView),
  };
  const who = pending[0]?.createdByName;
  throw new AppError(
    "conflict",
    pending.length > 0
      ? `${who || "A colleague"} is already replying to this conversation`
      : "A newer message arrived in this conversation since you started writing",
    { details },
  );
}

import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { sendOutboxJob } from "./outbox-jobs.ts";
import { advance, type OutboxRow, publishOutboxChanged } from "./outbox-store.ts";
import { type OutboxState, outboxMessages } from "./schema.ts";

/** The failure a send records when the channel's Microsoft sign-in stopped working (send-failure.ts). */
const NEEDS_REAUTH = "channel_needs_reauth";

/** The step a failed message resumes from: the last one it completed (the same draft, never a new one). */
export function resumeState(row: OutboxRow): OutboxState {
  const done = row.steps.map((s) => s.state).filter((s) => s !== "failed" && s !== "queued");
  const last = done.at(-1);
  if (!row.graphDraftId || !last) return "queued";
  return last === "sent" || last === "matched" ? "attachments_uploaded" : last;
}

/**
 * After a reconnect (issue 12), what the broken sign-in stopped goes out by itself: every message
 * of the channel that failed only because it needed reconnecting resumes from its last step, as
 * Retry would. Returns how many were queued again.
 */
export async function resumeAfterReconnect(
  deps: { db: Db; events: EventBus; queue: Pick<JobQueue, "send"> },
  channelId: string,
): Promise<number> {
  const stopped = await deps.db
    .select()
    .from(outboxMessages)
    .where(
      and(
        eq(outboxMessages.channelId, channelId),
        eq(outboxMessages.state, "failed"),
        eq(outboxMessages.failureCode, NEEDS_REAUTH),
      ),
    );
  let resumed = 0;
  for (const row of stopped) {
    const again = await advance(
      deps.db,
      row,
      ["failed"],
      resumeState(row),
      { failureCode: null, failureMessage: null, attempts: 0, sendAt: new Date(), willGoAt: null },
      { detail: "resumed after the channel was reconnected" },
    );
    if (!again) continue;
    await sendOutboxJob(deps.queue, again.id, new Date());
    await publishOutboxChanged(deps.events, again);
    resumed++;
  }
  return resumed;
}

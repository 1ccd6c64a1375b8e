import { z } from "zod";
import type { AccessTokenDeps } from "../../channels/access-token.ts";
import type { JobDefinition } from "../../jobs/queue.ts";
import type { Logger } from "../../log.ts";
import { conversationRefs } from "../../mail/read-conversations.ts";
import { addBulkOutcomes, findBulkAction, publishProgress, setBulkStatus } from "./bulk-store.ts";
import { summarize } from "./plan.ts";
import { runAction } from "./run-actions.ts";

/** The pg-boss job that carries out one bulk action. */
export const BULK_ACTION_JOB = "inbox-bulk-action";
export const bulkActionJob = z.object({ bulkActionId: z.string() });

/** "All matching" takes at most this many conversations per bulk action. */
export const MAX_MATCHING = 100_000;

export interface BulkJobDeps extends AccessTokenDeps {
  logger?: Logger;
}

/**
 * Runs a bulk action to the end. The store holds its progress; a job run again (its worker died)
 * starts over from the selection, which is safe: what was already done is as asked and needs no
 * request (archived messages are no longer live, read ones are read).
 */
export function bulkActionJobs(deps: BulkJobDeps): JobDefinition[] {
  return [
    {
      name: BULK_ACTION_JOB,
      concurrency: 2,
      retryLimit: 2,
      heartbeatSeconds: 30,
      handler: async (data, { signal }) => {
        await runBulkAction(deps, bulkActionJob.parse(data).bulkActionId, signal);
      },
    },
  ];
}

export async function runBulkAction(deps: BulkJobDeps, id: string, signal?: AbortSignal): Promise<void> {
  const row = await findBulkAction(deps.db, id);
  if (!row || row.status === "done" || row.status === "failed") return;
  const { selection } = row;
  const refs = await conversationRefs(
    deps.db,
    {
      orgId: row.orgId,
      channelIds: selection.channelIds,
      ...("ids" in selection
        ? { ids: selection.ids }
        : {
            status: selection.allMatching.status,
            unread: selection.allMatching.unread,
            search: selection.allMatching.q || undefined,
          }),
    },
    MAX_MATCHING,
  );
  const subjects = new Map(refs.map((r) => [r.id, r.subject]));
  const started = await setBulkStatus(deps.db, id, { status: "running", total: refs.length });
  await publishProgress(deps.events, started, deps.logger);
  try {
    await runAction(deps, row.orgId, refs, row.action, {
      signal,
      logger: deps.logger,
      onOutcomes: async (outcomes) => {
        await publishProgress(
          deps.events,
          await addBulkOutcomes(deps.db, id, outcomes, subjects),
          deps.logger,
        );
      },
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    deps.logger?.error({ err: error, bulkActionId: id }, "bulk action failed");
    const failed = await setBulkStatus(deps.db, id, {
      status: "failed",
      summary: "The bulk action stopped on an error; what was done stays done. Try again.",
    });
    await publishProgress(deps.events, failed, deps.logger);
    return;
  }
  const current = (await findBulkAction(deps.db, id))!;
  const done = await setBulkStatus(deps.db, id, {
    status: "done",
    summary: summarize(row.action, current.total, current.failed),
  });
  await publishProgress(deps.events, done, deps.logger);
}

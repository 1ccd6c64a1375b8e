import type { FolderCursor } from "../../mail/cursors.ts";
import { FOLLOWED_FOLDERS, type FollowedFolder } from "../../mail/folders.ts";
import { FILTERED_DELTA_CAP } from "../../mail/store-page.ts";
import { batchItemError, sendBatch } from "../../microsoft/batch.ts";
import {
  type DeltaPage,
  deltaPrefer,
  isDeltaReset,
  readDeltaPage,
  windowCount,
  windowCountPath,
} from "../../microsoft/delta.ts";
import { type GraphClient, GraphError } from "../../microsoft/graph-client.ts";
import { reauthorizePath } from "../../microsoft/subscriptions.ts";
import { settleReauthorizations } from "../subscriptions/reauthorize.ts";
import type { SyncDeps } from "../sync-deps.ts";

/** The first page of a folder's round, fetched ahead (in a batch) — or Graph's word that it reset. */
export type Prefetched = { page: DeltaPage } | { reset: true };

/**
 * Both folders' routine first pages in one `POST /$batch` (per-item 429s retried in sendBatch).
 * An item still throttled after that ends the run as throttled (the job comes back after its
 * Retry-After — asking again at once would ignore it); a folder whose item failed otherwise is
 * fetched again with a plain GET, which has its own errors; so is everything when the batch
 * itself fails. https://learn.microsoft.com/graph/json-batching
 */
export async function firstPagesInOneBatch(
  deps: SyncDeps,
  graph: GraphClient,
  cursors: Map<string, FolderCursor>,
  reauthorize: { ids: string[]; until: Date | null },
): Promise<Map<FollowedFolder, Prefetched>> {
  const pages = new Map<FollowedFolder, Prefetched>();
  try {
    const answers = await sendBatch(
      graph,
      [
        ...FOLLOWED_FOLDERS.map((folder) => ({
          id: folder,
          method: "GET" as const,
          url: cursors.get(folder)!.deltaLink!,
          headers: { Prefer: deltaPrefer() },
        })),
        ...reauthorize.ids.map((id, i) => ({
          id: `reauthorize-${i}`,
          method: "POST" as const,
          url: reauthorizePath(id),
        })),
      ],
      // Reading a delta page and reauthorizing can both be asked again.
      { repeatable: true },
    );
    await settleReauthorizations(
      deps,
      reauthorize.ids.map((id, i) => ({ id, status: answers[FOLLOWED_FOLDERS.length + i]!.status })),
      reauthorize.until,
    );
    for (const [i, answer] of answers.slice(0, FOLLOWED_FOLDERS.length).entries()) {
      const folder = FOLLOWED_FOLDERS[i]!;
      if (answer.status === 200) pages.set(folder, { page: readDeltaPage(graph, answer.body) });
      else if (THROTTLED.has(answer.status)) throw new Throttled(batchItemError(answer));
      else if (isDeltaReset(batchItemError(answer))) pages.set(folder, { reset: true });
    }
  } catch (err) {
    if (err instanceof Throttled) throw err.error;
    if (!(err instanceof GraphError)) throw err;
    deps.logger?.warn(
      { code: err.code, status: err.status },
      "delta batch failed: fetching folder by folder",
    );
    pages.clear();
  }
  return pages;
}

const THROTTLED = new Set([429, 503, 504]);

class Throttled {
  constructor(readonly error: GraphError) {}
}

/**
 * Graph's count of messages in the initial window of every followed folder, in one batch; each
 * folder capped at what a filtered delta returns. Null when Graph won't say (the bar then shows
 * an indeterminate state).
 */
export async function countInitialWindow(deps: SyncDeps, graph: GraphClient): Promise<number | null> {
  const since = windowStart(deps);
  try {
    const answers = await sendBatch(
      graph,
      FOLLOWED_FOLDERS.map((folder) => ({
        id: folder,
        method: "GET" as const,
        url: windowCountPath(folder, since),
        headers: { Prefer: 'IdType="ImmutableId"' },
      })),
    );
    let total = 0;
    for (const answer of answers) {
      const parsed = windowCount.safeParse(answer.body);
      if (answer.status !== 200 || !parsed.success) return null;
      total += Math.min(parsed.data["@odata.count"], FILTERED_DELTA_CAP);
    }
    return total;
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    return null;
  }
}

function windowStart(deps: SyncDeps): Date {
  return new Date(Date.now() - deps.config.sync.backfillDays * 24 * 60 * 60 * 1000);
}

import {
  BATCH_ITEMS_AT_ONCE,
  type BatchRequestItem,
  type BatchResponseItem,
  batchItemError,
  MAX_BATCH_REQUESTS,
  sendBatch,
} from "./batch.ts";
import { type GraphClient, GraphError, retryAfterMs } from "./graph-client.ts";

/**
 * Changing messages the way Outlook shows it: read/unread and categories by PATCH, archive and
 * "move to a folder" by `move`, always through `$batch` (one request carries 20 changes).
 * https://learn.microsoft.com/graph/api/message-update · …/message-move · https://learn.microsoft.com/graph/json-batching
 *
 * A message's changes form a chain (each item `dependsOn` the one before) that travels in one
 * batch: Graph runs a batch's independent items in any order, and a PATCH after a move would name
 * a message no longer where it was. Graph wants a batch "either fully sequential or fully
 * parallel", so single changes go in parallel batches and chains in sequential ones (each chain
 * after the one before); a chain answered 424 only because an earlier chain failed did not run
 * and goes again at once. Items answered 429/503/504 did not run either: their chain is sent
 * again after that item's own Retry-After, while every other chain goes on.
 */

export type MessageChange =
  | { kind: "read"; isRead: boolean }
  | { kind: "categorize"; categories: string[] }
  /** `destinationId`: a folder id or a well-known name such as `archive`. */
  | { kind: "move"; destinationId: string };

/** One message's changes, in order; `key` comes back with its outcome. */
export interface MessageChain {
  key: string;
  graphMessageId: string;
  changes: MessageChange[];
}

export interface ChainOutcome {
  key: string;
  ok: boolean;
  /** When not ok: Graph's error for the first change that failed. */
  error?: GraphError;
}

export interface RunChainsOptions {
  /**
   * Batches in flight at once (default 1). A batch of 4 or more items takes all 4 of the mailbox's
   * request slots (Graph runs its items 4 at a time, each counted against the mailbox), so a
   * second one would only wait for the slots; smaller batches may share them.
   */
  concurrency?: number;
  /** How many times a throttled chain is sent again before it is reported as failed. */
  maxAttempts?: number;
  /** Longest Retry-After honoured; a longer one fails the chain (the job can be run again). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Called as each chain is decided, in completion order. */
  onOutcome?: (outcome: ChainOutcome) => void | Promise<void>;
  signal?: AbortSignal;
}

const RETRYABLE = new Set([429, 503, 504]);
const RETRY_GRACE_MS = 25;
/**
 * Batches go back to back on the mailbox's slots, taken once, for this long; then the slots are
 * given back so the mailbox's other work (sync, reading) gets its turn, and taken again.
 */
const HOLD_SLOTS_MS = 1_000;
const IMMUTABLE_IDS = { Prefer: 'IdType="ImmutableId"' };

/**
 * The batch items for one chain, ids `${index}.${step}`, each depending on the one before (the
 * first on `after`, the previous chain's last item, in a sequential batch).
 */
export function chainRequests(chain: MessageChain, index: number, after?: string): BatchRequestItem[] {
  const path = `/me/messages/${encodeURIComponent(chain.graphMessageId)}`;
  return chain.changes.map((change, step) => {
    const item: BatchRequestItem = {
      id: `${index}.${step}`,
      ...(change.kind === "move"
        ? { method: "POST", url: `${path}/move`, body: { destinationId: change.destinationId } }
        : {
            method: "PATCH",
            url: path,
            body: change.kind === "read" ? { isRead: change.isRead } : { categories: change.categories },
          }),
      headers: { ...IMMUTABLE_IDS, "Content-Type": "application/json" },
    };
    if (step > 0) item.dependsOn = [`${index}.${step - 1}`];
    else if (after) item.dependsOn = [after];
    return item;
  });
}

interface Pending {
  index: number;
  chain: MessageChain;
  attempts: number;
  notBefore: number;
}

/**
 * Runs every chain and reports each one's outcome (never all-or-nothing). Batches are packed with
 * whole chains whose time has come, up to 20 items; throttled chains wait for their own Retry-After.
 */
export async function runMessageChains(
  graph: GraphClient,
  chains: MessageChain[],
  options: RunChainsOptions = {},
): Promise<ChainOutcome[]> {
  const concurrency = options.concurrency ?? 1;
  const maxAttempts = options.maxAttempts ?? 6;
  const maxWaitMs = options.maxWaitMs ?? 120_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const outcomes: ChainOutcome[] = [];
  const queue: Pending[] = chains
    .filter((c) => c.changes.length > 0 && c.changes.length <= MAX_BATCH_REQUESTS)
    .map((chain, index) => ({ index, chain, attempts: 0, notBefore: 0 }));
  for (const chain of chains)
    if (chain.changes.length > MAX_BATCH_REQUESTS)
      outcomes.push({
        key: chain.key,
        ok: false,
        error: new GraphError(0, "TooManyChanges", "Too many changes"),
      });

  const settle = async (outcome: ChainOutcome) => {
    outcomes.push(outcome);
    await options.onOutcome?.(outcome);
  };

  async function sendOne(client: GraphClient, batch: Pending[]) {
    const requests: BatchRequestItem[] = [];
    const sequential = batch.some((p) => p.chain.changes.length > 1);
    for (const p of batch)
      requests.push(...chainRequests(p.chain, p.index, sequential ? requests.at(-1)?.id : undefined));
    let answers: BatchResponseItem[];
    try {
      // Each change is safe to repeat (setting a flag, moving to where it already is), so the
      // envelope itself may be sent again when Graph throttles it whole.
      answers = await sendBatch(client, requests, { maxRetries: 0, repeatable: true });
    } catch (error) {
      const failure = error instanceof GraphError ? error : new GraphError(0, "BatchFailed", String(error));
      for (const p of batch) await retryOrFail(p, failure, undefined);
      return;
    }
    const byId = new Map(answers.map((a) => [a.id, a]));
    for (const p of batch) {
      const chainAnswers = p.chain.changes.map((_, step) => byId.get(`${p.index}.${step}`)!);
      const failed = chainAnswers.find((a) => a.status >= 400 && a.status !== 424);
      if (failed) await retryOrFail(p, batchItemError(failed), failed);
      else if (chainAnswers.some((a) => a.status === 424)) queue.push({ ...p, notBefore: 0 });
      else await settle({ key: p.chain.key, ok: true });
    }
  }

  async function retryOrFail(p: Pending, error: GraphError, answer: BatchResponseItem | undefined) {
    const status = answer?.status ?? error.status;
    const waitMs = retryAfterMs(answer?.headers["retry-after"] ?? retryHeader(error), p.attempts);
    if (RETRYABLE.has(status) && p.attempts + 1 < maxAttempts && waitMs <= maxWaitMs) {
      queue.push({ ...p, attempts: p.attempts + 1, notBefore: Date.now() + waitMs });
      return;
    }
    await settle({ key: p.chain.key, ok: false, error });
  }

  /**
   * Sends batches through `held` (the slots taken once) while chains are ready and time is left,
   * `concurrency` at a time; returns once none is in flight and none is ready (or time is up).
   */
  async function drain(held: GraphClient, until: number) {
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      const now = Date.now();
      const open = now < until && !options.signal?.aborted;
      const batch = open && inFlight.size < concurrency ? takeBatch(queue, now) : [];
      if (batch.length > 0) {
        const run: Promise<void> = sendOne(held, batch).finally(() => inFlight.delete(run));
        inFlight.add(run);
        continue;
      }
      if (inFlight.size === 0) return;
      await Promise.race(inFlight);
    }
  }

  while (queue.length > 0) {
    if (options.signal?.aborted) throw options.signal.reason;
    // A little past the first due time, so chains throttled together go again together.
    const waitMs = firstDue(queue) - Date.now();
    if (waitMs > 0) {
      await sleep(waitMs + RETRY_GRACE_MS);
      continue;
    }
    const items = queue.reduce((n, p) => n + p.chain.changes.length, 0);
    await graph.holding(Math.min(items, BATCH_ITEMS_AT_ONCE), (held) =>
      drain(held, Date.now() + HOLD_SLOTS_MS),
    );
  }
  return outcomes;
}

/**
 * Takes from the queue whole chains whose time has come, oldest first, while they fit in one batch
 * of 20 items: single changes together (a parallel batch) or chains together (a sequential one),
 * never both. Looks no further than it takes, so a selection of any size costs the same per batch.
 */
function takeBatch(queue: Pending[], now: number): Pending[] {
  const batch: Pending[] = [];
  let sequential: boolean | undefined;
  let items = 0;
  let seen = 0;
  let kept = 0; // the chains looked at and left stay in front, in order
  for (; seen < queue.length; seen++) {
    const p = queue[seen]!;
    const chained = p.chain.changes.length > 1;
    sequential ??= p.notBefore <= now ? chained : undefined;
    if (p.notBefore > now || chained !== sequential) {
      queue[kept++] = p;
      continue;
    }
    if (items + p.chain.changes.length > MAX_BATCH_REQUESTS) break;
    batch.push(p);
    items += p.chain.changes.length;
  }
  // In place (no spread: a selection of 100,000 chains would overflow the stack).
  queue.copyWithin(kept, seen);
  queue.length -= seen - kept;
  return batch;
}

/** The earliest time a queued chain may go (a loop: a spread of 100,000 arguments overflows the stack). */
function firstDue(queue: Pending[]): number {
  let first = Number.POSITIVE_INFINITY;
  for (const p of queue) if (p.notBefore < first) first = p.notBefore;
  return first;
}

function retryHeader(error: GraphError): string | null {
  return error.retryAfterSeconds === undefined ? null : String(error.retryAfterSeconds);
}

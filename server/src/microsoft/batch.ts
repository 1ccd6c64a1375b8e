import { z } from "zod";
import { type GraphClient, GraphError, retryAfterMs } from "./graph-client.ts";

/**
 * Graph JSON batching: up to 20 requests in one `POST /$batch`, each answered with its own status.
 * Throttling applies per item — a throttled item carries its own 429 and `Retry-After` while the
 * others succeed — so those items (and only those) are sent again after the longest wait.
 * https://learn.microsoft.com/graph/json-batching · https://learn.microsoft.com/graph/throttling
 */
export const MAX_BATCH_REQUESTS = 20;
/** Graph runs up to 4 items of a batch at once, each counted against the mailbox's 4 slots. */
export const BATCH_ITEMS_AT_ONCE = 4;

export interface BatchRequestItem {
  /** Unique within the batch; answers are matched back by it. */
  id: string;
  method: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  /** Relative to the version, e.g. "/me/mailFolders/inbox/messages/delta?$deltatoken=…". */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Items that must answer (successfully) before this one runs; else it is answered 424. */
  dependsOn?: string[];
}

export interface BatchResponseItem {
  id: string;
  status: number;
  /** Header names lower-cased (Graph spells them `Retry-After`, `Content-Type`). */
  headers: Record<string, string>;
  body?: unknown;
}

const batchResponse = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

export interface BatchOptions {
  /** Rounds of re-sending throttled items. */
  maxRetries?: number;
  /** Longest Retry-After waited in-line; longer ones are returned to the caller as they are. */
  maxInlineWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Every request is safe to repeat (default: when every one is a GET). */
  repeatable?: boolean;
}

const RETRYABLE = new Set([429, 503, 504]);

/**
 * Sends the requests in batches of at most 20 and returns one answer per request, in request
 * order. Items answered 429/503/504 are retried after the longest Retry-After among them, up to
 * `maxRetries` rounds, when every request is safe to repeat (GETs); what is still failing is
 * returned as Graph answered it, for the caller to handle like any other error.
 */
export async function sendBatch(
  graph: GraphClient,
  requests: BatchRequestItem[],
  options: BatchOptions = {},
): Promise<BatchResponseItem[]> {
  const maxRetries = options.maxRetries ?? 2;
  const maxInlineWaitMs = options.maxInlineWaitMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const repeatable = options.repeatable ?? requests.every((r) => r.method === "GET");
  const answers = new Map<string, BatchResponseItem>();
  let pending = requests;
  for (let attempt = 0; pending.length > 0; attempt++) {
    for (let i = 0; i < pending.length; i += MAX_BATCH_REQUESTS) {
      for (const answer of await sendOne(graph, pending.slice(i, i + MAX_BATCH_REQUESTS), repeatable))
        answers.set(answer.id, answer);
    }
    const throttled = pending.filter((r) => RETRYABLE.has(answers.get(r.id)?.status ?? 0));
    if (!repeatable || throttled.length === 0 || attempt >= maxRetries) break;
    const waitMs = Math.max(
      ...throttled.map((r) => retryAfterMs(answers.get(r.id)!.headers["retry-after"] ?? null, attempt)),
    );
    if (waitMs > maxInlineWaitMs) break;
    await sleep(waitMs);
    pending = throttled;
  }
  return requests.map((r) => answers.get(r.id)!);
}

async function sendOne(
  graph: GraphClient,
  requests: BatchRequestItem[],
  repeatable: boolean,
): Promise<BatchResponseItem[]> {
  const result = await graph.request(
    {
      method: "POST",
      path: "/$batch",
      body: { requests },
      repeatable,
      // Graph runs a batch's items concurrently (up to 4) and counts each against the mailbox.
      weight: Math.min(requests.length, BATCH_ITEMS_AT_ONCE),
    },
    batchResponse,
  );
  const byId = new Map(result.responses.map((r) => [r.id, r]));
  return requests.map((request) => {
    const answer = byId.get(request.id);
    if (!answer)
      throw new GraphError(200, "UnexpectedResponse", `The batch answer had no response for '${request.id}'`);
    return {
      id: answer.id,
      status: answer.status,
      headers: Object.fromEntries(
        Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
      ),
      ...(answer.body !== undefined ? { body: answer.body } : {}),
    };
  });
}

const itemErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string().default("") }) });

/** A failed item as the GraphError a plain request would have thrown. */
export function batchItemError(item: BatchResponseItem): GraphError {
  const parsed = itemErrorBody.safeParse(item.body);
  const retryAfter = item.headers["retry-after"];
  return new GraphError(
    item.status,
    parsed.success ? parsed.data.error.code : `http_${item.status}`,
    parsed.success ? parsed.data.error.message : `Batch item answered ${item.status}`,
    retryAfter ? Number(retryAfter) : undefined,
  );
}

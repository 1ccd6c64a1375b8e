/**
 * The `$batch` request body and the checks Graph makes before running anything: at most 20
 * requests, unique ids (case-insensitive), dependsOn naming ids of the same batch, and a batch
 * either fully parallel (no item has dependsOn) or fully sequential (every item but the first
 * has one): "Batch should be either fully sequential or fully parallel" (the doc's tip, and the
 * 400 Graph answers a mixed batch with).
 * https://learn.microsoft.com/graph/json-batching
 * Graph documents the 400 status for these but not its message texts; the wording is ours.
 */
import { z } from "zod";

export const MAX_BATCH_REQUESTS = 20;

export const BatchItemSchema = z.object({
  id: z.string().min(1),
  method: z.string().min(1),
  url: z.string().min(1),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string().min(1)).optional(),
});
export type BatchItem = z.infer<typeof BatchItemSchema>;

const BatchBodySchema = z.object({ requests: z.array(BatchItemSchema) });

export const BATCH_ERRORS = {
  payload: "Invalid batch payload format.",
  empty: "The batch request must contain at least one request.",
  tooMany: `The batch request contains more than ${MAX_BATCH_REQUESTS} requests.`,
  duplicateId: (id: string) => `The batch request contains a duplicate request id '${id}'.`,
  unknownDependency: (id: string, missing: string) =>
    `Request '${id}' depends on '${missing}', which is not a request of this batch.`,
  cycle: "The dependsOn property of the batch requests forms a cycle.",
  mixed: "Batch should be either fully sequential or fully parallel",
} as const;

export type ParsedBatch = { ok: true; requests: BatchItem[] } | { ok: false; message: string };

export function parseBatch(body: unknown): ParsedBatch {
  const parsed = BatchBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: BATCH_ERRORS.payload };
  const { requests } = parsed.data;
  if (requests.length === 0) return { ok: false, message: BATCH_ERRORS.empty };
  if (requests.length > MAX_BATCH_REQUESTS) return { ok: false, message: BATCH_ERRORS.tooMany };
  const ids = new Set<string>();
  for (const request of requests) {
    const id = request.id.toLowerCase();
    if (ids.has(id)) return { ok: false, message: BATCH_ERRORS.duplicateId(request.id) };
    ids.add(id);
  }
  for (const request of requests) {
    const missing = request.dependsOn?.find((dependency) => !ids.has(dependency.toLowerCase()));
    if (missing !== undefined)
      return { ok: false, message: BATCH_ERRORS.unknownDependency(request.id, missing) };
  }
  if (hasCycle(requests)) return { ok: false, message: BATCH_ERRORS.cycle };
  const independent = requests.filter((r) => !r.dependsOn?.length).length;
  if (independent !== requests.length && independent !== 1) return { ok: false, message: BATCH_ERRORS.mixed };
  return { ok: true, requests };
}

function hasCycle(requests: BatchItem[]): boolean {
  const edges = new Map(
    requests.map((r) => [r.id.toLowerCase(), (r.dependsOn ?? []).map((d) => d.toLowerCase())]),
  );
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string): boolean => {
    if (state.get(id) === "done") return false;
    if (state.get(id) === "visiting") return true;
    state.set(id, "visiting");
    const cyclic = (edges.get(id) ?? []).some(visit);
    state.set(id, "done");
    return cyclic;
  };
  return [...edges.keys()].some(visit);
}

/**
 * Runs batch items honouring `dependsOn`: an item starts once everything it depends on has
 * answered; if any of those failed (status ≥ 400, 424 included) it is answered 424 without
 * running. Independent items run in parallel, at most `parallelism` at a time: Graph dispatches
 * up to four requests of a batch to Outlook at once
 * (https://learn.microsoft.com/answers/questions/1660054). Responses come back in completion
 * order, as Graph doesn't guarantee order (https://learn.microsoft.com/graph/json-batching).
 */

export interface BatchItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface OrderedItem {
  id: string;
  dependsOn?: string[];
}

export interface RunOptions<T extends OrderedItem> {
  parallelism: number;
  /** Must not reject: turn failures into a response. */
  execute(item: T): Promise<BatchItemResponse>;
  failedDependency(item: T): BatchItemResponse;
}

export async function runInDependencyOrder<T extends OrderedItem>(
  items: readonly T[],
  options: RunOptions<T>,
): Promise<BatchItemResponse[]> {
  const responses: BatchItemResponse[] = [];
  const statusById = new Map<string, number>();
  const waiting = [...items];
  const running = new Set<Promise<void>>();
  const finish = (item: T, response: BatchItemResponse): void => {
    responses.push(response);
    statusById.set(item.id.toLowerCase(), response.status);
  };

  while (waiting.length > 0 || running.size > 0) {
    for (let i = 0; i < waiting.length; ) {
      const item = waiting[i]!;
      const dependencies = (item.dependsOn ?? []).map((id) => id.toLowerCase());
      if (!dependencies.every((id) => statusById.has(id))) {
        i++;
        continue;
      }
      if (dependencies.some((id) => (statusById.get(id) ?? 0) >= 400)) {
        waiting.splice(i, 1);
        finish(item, options.failedDependency(item));
        i = 0; // its dependents may now be decidable too
        continue;
      }
      if (running.size >= options.parallelism) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      const run: Promise<void> = options
        .execute(item)
        .then((response) => finish(item, response))
        .finally(() => running.delete(run));
      running.add(run);
    }
    if (running.size === 0) break; // nothing can start: only reachable with a dependency cycle
    await Promise.race(running);
  }
  return responses;
}

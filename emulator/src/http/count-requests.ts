/**
 * Per-endpoint request counters (`METHOD /route/pattern` → count and statuses), read through
 * `GET /_emulator/counters`. Control-API calls are not counted so tests can read counters freely.
 */
import type { FastifyInstance } from "fastify";

export const UNMATCHED_ROUTE = "(unmatched)";

export function countRequests(app: FastifyInstance): void {
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    if (route.startsWith("/_emulator")) return;
    const counters = app.emulator.store.state.counters;
    const key = `${request.method} ${route}`;
    let counter = counters.get(key);
    if (!counter) {
      counter = { count: 0, byStatus: {} };
      counters.set(key, counter);
    }
    counter.count++;
    const status = String(reply.statusCode);
    counter.byStatus[status] = (counter.byStatus[status] ?? 0) + 1;
  });
}

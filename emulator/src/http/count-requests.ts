/**
 * Per-endpoint request counters (`METHOD /route/pattern` → count and statuses), read through
 * `GET /_emulator/counters`. Control-API calls are not counted so tests can read counters freely.
 *
 * Each route gets its own `onResponse` hook when it is added (its counter key worked out once),
 * instead of one global hook building `request.routeOptions` for every request; requests no route
 * matched are counted by a small global hook.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler } from "fastify";

export const UNMATCHED_ROUTE = "(unmatched)";

export function countRequests(app: FastifyInstance): void {
  const counters = () => app.emulator.store.state.counters;
  const count = (key: string, reply: FastifyReply) => {
    const all = counters();
    let counter = all.get(key);
    if (!counter) {
      counter = { count: 0, byStatus: {} };
      all.set(key, counter);
    }
    counter.count++;
    const status = String(reply.statusCode);
    counter.byStatus[status] = (counter.byStatus[status] ?? 0) + 1;
  };

  app.addHook("onRoute", (route) => {
    if (route.url.startsWith("/_emulator")) return;
    const { method, url } = route;
    const fixedKey = typeof method === "string" ? `${method} ${url}` : undefined;
    const hook: onResponseHookHandler = (request: FastifyRequest, reply, done) => {
      count(fixedKey ?? `${request.method} ${url}`, reply);
      done();
    };
    const existing = route.onResponse;
    route.onResponse = existing === undefined ? [hook] : [...toArray(existing), hook];
  });

  app.addHook("onResponse", (request, reply, done) => {
    if (request.is404) count(`${request.method} ${UNMATCHED_ROUTE}`, reply);
    done();
  });
}

function toArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch } from "../../emulator/src/testing/emulator-fetch.ts";

const countersBody = z.object({
  total: z.number(),
  endpoints: z.record(z.string(), z.object({ count: z.number() }).loose()),
});

export interface CounterReading {
  /** HTTP requests that reached Graph (`/v1.0/…`): a `$batch` is one, whatever it carries. */
  graphRequests: number;
  /**
   * Graph operations as Microsoft's throttling counts them: each `$batch` item, and every request
   * that is not a batch (https://learn.microsoft.com/graph/throttling#throttling-and-batching).
   */
  graphOperations: number;
  /** Token endpoint and other identity requests (not Graph). */
  identityRequests: number;
  /** The emulator's counters per route (batch items under their own route, the envelope once). */
  byEndpoint: Record<string, number>;
}

const BATCH = "POST /v1.0/$batch";

/**
 * Graph traffic in the emulator: its request counters (`GET /_emulator/counters`, where a batch
 * counts once and each of its items again under its own route) and, for HTTP round trips, the
 * emulator's HTTPS server's own `request` events (batch items are injected, so never appear there).
 */
export async function graphCounters(emulator: Emulator) {
  let http = 0;
  let identity = 0;
  const onRequest = (request: IncomingMessage) => {
    const url = request.url ?? "";
    if (url.startsWith("/v1.0/") || url === "/v1.0") http++;
    else if (!url.startsWith("/_emulator")) identity++;
  };
  emulator.app.server.on("request", onRequest);
  return {
    async reset() {
      const res = await emulatorFetch(emulator, "/_emulator/counters/reset", { method: "POST" });
      if (res.status !== 204) throw new Error(`counters reset: ${res.status}`);
      http = 0;
      identity = 0;
    },
    async read(): Promise<CounterReading> {
      const res = await emulatorFetch(emulator, "/_emulator/counters");
      const body = countersBody.parse(await res.json());
      const byEndpoint: Record<string, number> = {};
      let graphCounted = 0;
      for (const [endpoint, { count }] of Object.entries(body.endpoints)) {
        byEndpoint[endpoint] = count;
        if (endpoint.split(" ")[1]?.startsWith("/v1.0")) graphCounted += count;
      }
      return {
        graphRequests: http,
        graphOperations: graphCounted - (byEndpoint[BATCH] ?? 0),
        identityRequests: identity,
        byEndpoint,
      };
    },
    stop() {
      emulator.app.server.off("request", onRequest);
    },
  };
}

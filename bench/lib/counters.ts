import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch } from "../../emulator/src/testing/emulator-fetch.ts";

const countersBody = z.object({
  total: z.number(),
  endpoints: z.record(z.string(), z.object({ count: z.number() }).loose()),
});

export interface CounterReading {
  /** HTTP requests to Graph (`/v1.0/…`): what Microsoft's throttling and our targets count. */
  graphRequests: number;
  /** Token endpoint and other identity requests (not Graph). */
  identityRequests: number;
  byEndpoint: Record<string, number>;
}

/** The emulator's request counters (`GET /_emulator/counters`), split into Graph and identity. */
export async function graphCounters(emulator: Emulator) {
  return {
    async reset() {
      const res = await emulatorFetch(emulator, "/_emulator/counters/reset", { method: "POST" });
      if (res.status !== 204) throw new Error(`counters reset: ${res.status}`);
    },
    async read(): Promise<CounterReading> {
      const res = await emulatorFetch(emulator, "/_emulator/counters");
      const body = countersBody.parse(await res.json());
      const byEndpoint: Record<string, number> = {};
      let graphRequests = 0;
      let identityRequests = 0;
      for (const [endpoint, { count }] of Object.entries(body.endpoints)) {
        byEndpoint[endpoint] = count;
        if (endpoint.split(" ")[1]?.startsWith("/v1.0")) graphRequests += count;
        else identityRequests += count;
      }
      return { graphRequests, identityRequests, byEndpoint };
    },
  };
}

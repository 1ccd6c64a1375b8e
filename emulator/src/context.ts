/**
 * What every module can reach: `app.emulator` on any Fastify instance inside the emulator
 * (decorated on the root, so every encapsulated plugin sees it).
 */
import type { FastifyPluginAsync } from "fastify";
import type { Clock } from "./clock.ts";
import type { Seed } from "./seed.ts";
import type { Store } from "./store/store.ts";

export interface EmulatorContext {
  store: Store;
  clock: Clock;
  /** The validated seed that `reset` restores. */
  seed: Seed;
  /** Public base URL without trailing slash, e.g. `https://localhost:4443`; set once listening. */
  baseUrl: string;
  caPem: string;
  caPath: string;
  dataDir: string;
  /** Restores the seed (drops every token, subscription, delta state and message change). */
  resetToSeed(): void;
}

/** One area of the emulator (identity, Graph, notifications, control), registered by `modules.ts`. */
export interface EmulatorModule {
  name: string;
  /** Route prefix, e.g. `/v1.0`; none for identity, whose routes start with `/:tenant`. */
  prefix?: string;
  plugin: FastifyPluginAsync;
  /** This area's control-API routes, registered under `/_emulator` (e.g. `POST /users/:id/revoke`). */
  control?: FastifyPluginAsync;
}

declare module "fastify" {
  interface FastifyInstance {
    emulator: EmulatorContext;
  }
}

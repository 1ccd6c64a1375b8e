/**
 * `createEmulator`: TLS material, seed or persisted state, the Fastify app, listening, and a
 * clean `close()`. Used by the CLI and in-process by tests.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.ts";
import { type Clock, createClock } from "./clock.ts";
import type { EmulatorContext, EmulatorModule } from "./context.ts";
import { defaultSeed } from "./seed/default.ts";
import { applySeed, loadSeed, type SeedInput } from "./seed.ts";
import { loadState, startAutosave } from "./store/persistence.ts";
import { Store } from "./store/store.ts";
import type { ThrottleOptions } from "./throttle/limits.ts";
import { configureThrottle } from "./throttle/throttle-state.ts";
import { ensureTls } from "./tls.ts";

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1 (the certificate also covers localhost and ::1). */
  host?: string;
  /** Where the CA, server certificate and state.json live; a temporary dir (removed on close) if omitted. */
  dataDir?: string;
  /** A seed object or the path of a seed JSON file; the default seed if omitted. */
  seed?: SeedInput | string;
  /** Load state.json at start (if present) and save it periodically and on close. Needs dataDir. */
  persist?: boolean;
  /** Real milliseconds between saves when persisting; default 5000. */
  persistIntervalMs?: number;
  /** Virtual ms per real ms (see clock.ts); ignored when `clock` is given. Default 1. */
  timeScale?: number;
  /** Bring your own clock (e.g. `createClock({ timeScale: 0 })` for fully manual time). */
  clock?: Clock;
  /** Base URL used in links and issuers when the emulator sits behind a proxy. */
  publicBaseUrl?: string;
  /** Enable Fastify/pino logging (off by default). */
  logger?: boolean;
  /** More plugins, registered after the built-in ones (tests, adopters' own endpoints). */
  extraModules?: readonly EmulatorModule[];
  /** Outlook throttling limits (default 4 concurrent, 10,000 per 600 s per app per mailbox; `enabled: false` turns it off). */
  throttle?: ThrottleOptions;
}

export interface Emulator {
  /** `https://localhost:PORT` (or publicBaseUrl), no trailing slash. */
  url: string;
  port: number;
  caPem: string;
  /** Path of ca.pem: `NODE_EXTRA_CA_CERTS=<caPath>`. */
  caPath: string;
  dataDir: string;
  store: Store;
  clock: Clock;
  /** The Fastify instance, e.g. for `app.inject()` in tests. */
  app: FastifyInstance;
  /** Resets state to the seed, as `POST /_emulator/reset` does. */
  reset(): void;
  /** Stops listening, saves state when persisting, stops timers. Idempotent. */
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  if (options.persist && !options.dataDir) throw new Error("persist needs a dataDir");
  const temporaryDir = options.dataDir ? undefined : await mkdtemp(join(tmpdir(), "microsoft-emulator-"));
  const dataDir = resolve(options.dataDir ?? temporaryDir!);
  const ownsClock = !options.clock;
  const clock = options.clock ?? createClock({ timeScale: options.timeScale ?? 1 });
  const tls = await ensureTls(dataDir);
  const seed = await loadSeed(options.seed ?? defaultSeed);
  const store = new Store(clock);
  const persisted = options.persist ? await loadState(dataDir) : undefined;
  if (persisted) store.replaceState(persisted);
  else applySeed(store, seed);

  const ctx: EmulatorContext = {
    store,
    clock,
    seed,
    baseUrl: options.publicBaseUrl ?? "",
    caPem: tls.caPem,
    caPath: tls.caPath,
    dataDir,
    resetToSeed: () => applySeed(store, seed),
  };
  configureThrottle(ctx, options.throttle);
  const autosave = options.persist ? startAutosave(store, dataDir, options.persistIntervalMs) : undefined;
  const app = await buildApp(ctx, {
    https: { key: tls.keyPem, cert: tls.certPem },
    logger: options.logger,
    extraModules: options.extraModules,
    // Tokens, consents and subscriptions are plain Map writes: any write request may have changed them.
    onWriteRequest: autosave ? () => autosave.markDirty() : undefined,
  });

  await app.listen({ port: options.port ?? 0, host: options.host ?? "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 0);
  ctx.baseUrl = (options.publicBaseUrl ?? `https://localhost:${port}`).replace(/\/+$/, "");

  let closing: Promise<void> | undefined;
  return {
    url: ctx.baseUrl,
    port,
    caPem: tls.caPem,
    caPath: tls.caPath,
    dataDir,
    store,
    clock,
    app,
    reset: ctx.resetToSeed,
    close() {
      closing ??= (async () => {
        await app.close();
        await autosave?.stop();
        if (ownsClock) clock.close();
        if (temporaryDir) await rm(temporaryDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

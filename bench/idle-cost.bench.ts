/**
 * Idle cost at ≥ 1,000 connected mailboxes (issue 5, "Benchmarks"):
 * - memory: RSS of the Mailroom process with N connected channels (subscribed, first sync done,
 *   then a simulated day of upkeep) minus its own RSS before they were connected, after a few
 *   steps of the same periodic work with nothing connected; both after full GCs, divided by N.
 *   The server runs alone in a child process (bench/lib/server-child.ts, `--expose-gc`); the
 *   emulator stays here. On PGlite the database lives in the server process, so it counts too.
 * - Graph requests per mailbox per day, from the emulator's counters over a simulated day: the
 *   emulator's clock moves in 15-minute steps and each step runs the app's periodic work at that
 *   time — the safety sweep (`runSyncSweep`, every 15 min) and the renewal job
 *   (`renewDueSubscriptions` + `retryWebhooks`, every 5 min) — and waits for the queue (and the
 *   lifecycle notifications the emulator sends meanwhile) to drain. The server's view of token
 *   expiry moves with the clock, so access tokens are refreshed as they would be over a real day.
 * Channels are connected through the server's own channel store and connect hook with real
 * emulator tokens (mailboxes created through the control API, the app admin-consented), so the
 * subscriptions, first syncs and sweeps really call Graph.
 * Target: ≤ 10 KB RSS per mailbox, ≤ 120 Graph requests per mailbox per day.
 * Prints one JSON line: {"name":"idle-cost", per-backend figures, target, met}.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { userTokenResponse } from "../emulator/src/identity/token-response.ts";
import type { Emulator } from "../emulator/src/index.ts";
import { notificationRuntime } from "../emulator/src/notifications/index.ts";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { OAUTH_SCOPES } from "../server/src/microsoft/scopes.ts";
import { graphCounters } from "./lib/counters.ts";
import { createMailboxes, startBenchEmulator } from "./lib/mailroom.ts";
import { allMet, type Backend, load1, perBackend, ratios, round } from "./lib/run.ts";
import type { SeedMailbox } from "./lib/server-child.ts";
import { awaitAllReady, bootServerProcess, type ServerProcess } from "./lib/server-process.ts";

const MAILBOXES = Number(process.env.BENCH_IDLE_MAILBOXES ?? 1_000);
const HOURS = Number(process.env.BENCH_IDLE_HOURS ?? 24);
const STEP_MS = 15 * 60_000;
/** Real time upkeep may keep regenerating itself after the syncs of a step are done. */
const UPKEEP_CAP_MS = Number(process.env.BENCH_IDLE_UPKEEP_CAP_MS ?? 3_000);
/** The bench runs the sweep itself at the emulator's time; the wall-clock cron stays out of the way. */
const IDLE_ENV = { SYNC_SWEEP_MINUTES: "1440" };
const BASELINE_STEPS = 4;

interface Figures {
  mailboxes: number;
  simulatedHours: number;
  baselineRssKb: number;
  rssKb: number;
  rssPerMailboxKb: number;
  heapUsedPerMailboxKb: number;
  graphRequests: number;
  requestsPerMailboxPerDay: number;
  /** Batch items counted one by one, as Graph's throttling counts them. */
  operationsPerMailboxPerDay: number;
  identityRequestsPerMailboxPerDay: number;
  byEndpoint: Record<string, number>;
  /** Steps whose subscription upkeep kept regenerating itself (see `drained`). */
  churningSteps: number;
  setupSeconds: number;
  simulationSeconds: number;
  load1: number;
  met: boolean;
}

interface Memory {
  rss: number;
  heapUsed: number;
}

/** One 15-minute slice: the clock moves, the periodic work runs at the new time, the queue drains. */
async function runStep(server: ServerProcess, emulator: Emulator) {
  emulator.clock.advance(STEP_MS);
  await server.call("step", { nowMs: emulator.clock.now(), stepMs: STEP_MS });
  return drained(server, emulator, 600_000);
}

async function measure(backend: Backend): Promise<Figures> {
  const setupStarted = performance.now();
  const emulator = await startBenchEmulator();
  const booted = await bootServerProcess(backend, emulator, IDLE_ENV);
  const { server, app } = booted;
  try {
    const drain = () => drained(server, emulator, 600_000);
    // The baseline: this same process after a few steps of periodic work with nothing connected
    // (one process before and after, so both figures come from the same heap and allocator).
    for (let i = 0; i < BASELINE_STEPS; i++) await runStep(server, emulator);
    const baseline = await server.call<Memory>("memory");
    const consent = await emulatorFetch(
      emulator,
      `/_emulator/apps/${app.clientId}/admin-consent`,
      jsonInit("POST", { tenant: "contoso.com", scopes: ["Mail.ReadWrite", "Mail.Send", "User.Read"] }),
    );
    if (consent.status !== 201) throw new Error(`admin consent: ${consent.status} ${await consent.text()}`);
    const upns = await createMailboxes(emulator, MAILBOXES, "idle");
    console.error(`#     ${MAILBOXES} mailboxes created; connecting`);
    const seedMailboxes = upns.map((upn) => mint(emulator, app.clientId, upn));
    for (let i = 0; i < seedMailboxes.length; i += 100) {
      await server.call("seed", {
        orgId: booted.orgId,
        userId: booted.userId,
        mailboxes: seedMailboxes.slice(i, i + 100),
      });
    }
    await awaitAllReady(server, MAILBOXES);
    await drain();
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const counters = await graphCounters(emulator);
    await counters.reset();
    const simulationStarted = performance.now();
    let churningSteps = 0;
    const steps = Math.round((HOURS * 3_600_000) / STEP_MS);
    for (let step = 0; step < steps; step++) {
      if ((await runStep(server, emulator)) === "churning") churningSteps++;
      if (step % 4 === 3) console.error(`#     ${((step + 1) * STEP_MS) / 3_600_000} h simulated`);
    }
    const simulationSeconds = (performance.now() - simulationStarted) / 1000;
    const reading = await counters.read();
    const after = await server.call<Memory>("memory");

    const days = HOURS / 24;
    const rssPerMailboxKb = round((after.rss - baseline.rss) / MAILBOXES / 1024);
    const requestsPerMailboxPerDay = round(reading.graphRequests / MAILBOXES / days);
    return {
      mailboxes: MAILBOXES,
      simulatedHours: HOURS,
      baselineRssKb: Math.round(baseline.rss / 1024),
      rssKb: Math.round(after.rss / 1024),
      rssPerMailboxKb,
      heapUsedPerMailboxKb: round((after.heapUsed - baseline.heapUsed) / MAILBOXES / 1024),
      graphRequests: reading.graphRequests,
      requestsPerMailboxPerDay,
      operationsPerMailboxPerDay: round(reading.graphOperations / MAILBOXES / days),
      identityRequestsPerMailboxPerDay: round(reading.identityRequests / MAILBOXES / days),
      byEndpoint: reading.byEndpoint,
      churningSteps,
      setupSeconds: round(setupSeconds),
      simulationSeconds: round(simulationSeconds),
      load1: load1(),
      met:
        MAILBOXES >= 1_000 &&
        HOURS >= 24 &&
        churningSteps === 0 &&
        rssPerMailboxKb <= 10 &&
        requestsPerMailboxPerDay <= 120,
    };
  } finally {
    await booted.close();
    await emulator.close();
  }
}

/** Tokens for a mailbox as the code flow would have issued them (access + rotating refresh token). */
function mint(emulator: Emulator, clientId: string, upn: string): SeedMailbox {
  const ctx = emulator.app.emulator;
  const user = [...ctx.store.state.mailboxes.values()].find((m) => m.userPrincipalName === upn)!;
  const body = userTokenResponse(ctx, {
    user,
    clientId,
    tenantId: user.tenantId,
    scopes: [...OAUTH_SCOPES],
    nonce: null,
    wantClientInfo: false,
  });
  return {
    msTenantId: user.tenantId,
    msUserId: user.id,
    email: upn,
    name: user.displayName,
    tokens: {
      accessToken: body.access_token,
      refreshToken: body.refresh_token!,
      expiresAt: Date.now() + body.expires_in * 1000,
      scopes: body.scope!.split(" "),
    },
  };
}

/**
 * Quiet: no job waiting or running and no notification the emulator still has to deliver, three
 * checks in a row (a lifecycle POST in flight turns into a job a moment later). Sync jobs are
 * waited for (up to `capMs`); subscription upkeep that keeps regenerating itself — a
 * reauthorizationRequired answered with a token that expires within Graph's lead time is
 * challenged again at once — is given UPKEEP_CAP_MS and reported as `churning`.
 */
async function drained(
  server: { call<T>(op: string): Promise<T> },
  emulator: Emulator,
  capMs: number,
): Promise<"quiet" | "churning"> {
  const started = performance.now();
  let quiet = 0;
  let syncQuietSince: number | undefined;
  while (quiet < 3) {
    const now = performance.now();
    if (now - started > capMs) throw new Error(`the queue did not drain in ${capMs / 1000} s`);
    const pending = await server.call<{ name: string; state: string; n: number }[]>("pending");
    const sync = pending.filter((r) => r.name !== "subscription-upkeep").reduce((n, r) => n + r.n, 0);
    const upkeep = pending.filter((r) => r.name === "subscription-upkeep").reduce((n, r) => n + r.n, 0);
    const notifications = notificationRuntime(emulator.app.emulator).stats.totals.pending;
    if (process.env.BENCH_DEBUG && sync + upkeep) console.error(JSON.stringify(pending));
    if (sync === 0 && notifications === 0) syncQuietSince ??= now;
    else syncQuietSince = undefined;
    if (syncQuietSince !== undefined && upkeep > 0 && now - syncQuietSince > UPKEEP_CAP_MS) return "churning";
    quiet = sync + upkeep === 0 && notifications === 0 ? quiet + 1 : 0;
    await sleep(quiet ? 30 : 100);
  }
  return "quiet";
}

await perBackend(fileURLToPath(import.meta.url), measure, (results) => ({
  name: "idle-cost",
  ...results,
  postgresOverPglite: ratios(results, [
    "rssPerMailboxKb",
    "requestsPerMailboxPerDay",
    "operationsPerMailboxPerDay",
  ]),
  target: "<= 10 KB RSS per mailbox, <= 120 Graph requests (HTTP, a $batch is one) per mailbox per day",
  met: allMet(results),
}));

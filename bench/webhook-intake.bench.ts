/**
 * Webhook intake (issue 5, "Benchmarks"): requests/s and p99 of `POST /api/outlook/webhook` on the
 * real server against a bare Fastify route answering 202, same run, same load generator and bodies.
 * Target: ≥ 50 % of the bare route's throughput and p99 < 50 ms.
 *
 * Bodies are Graph change notifications as the emulator sends them, for the real subscriptions of
 * mailboxes connected through the emulator (clientState read back from the database through the
 * secret box, as the server does), plus a share for unknown subscriptions. Valid ones enqueue a
 * sync per channel, and the workers run those syncs against the emulator meanwhile, as in
 * production (web + worker in one process). The emulator runs in its own process: Microsoft is
 * never in Mailroom's, so answering Graph must not count against intake.
 * Prints one JSON line: {"name":"webhook-intake", per-backend figures, target, met}.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import fastify from "fastify";
import { subscriptions } from "../server/src/sync/subscriptions/schema.ts";
import { clientStateContext } from "../server/src/sync/subscriptions/subscription-store.ts";
import { startEmulatorProcess } from "./lib/emulator-process.ts";
import { type LoadResult, runLoad } from "./lib/load.ts";
import {
  awaitChannelReady,
  connectMailbox,
  createMailboxes,
  ownerWithOrg,
  startBenchServer,
} from "./lib/mailroom.ts";
import { allMet, type Backend, load1, perBackend, quantile, ratios, round } from "./lib/run.ts";

const MAILBOXES = Number(process.env.BENCH_WEBHOOK_MAILBOXES ?? 4);
const DURATION_MS = Number(process.env.BENCH_WEBHOOK_MS ?? 3_000);
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 3);
const WARMUP_MS = 1_000;
const IN_FLIGHT = Number(process.env.BENCH_WEBHOOK_IN_FLIGHT ?? 32);
const CONNECTIONS = 16;
/** One body in five names a subscription we do not have (stale, or someone probing). */
const UNKNOWN_SHARE = Number(process.env.BENCH_WEBHOOK_UNKNOWN_SHARE ?? 0.2);
const BODIES = 500;

interface Figures {
  requestsPerSecond: number;
  bareRequestsPerSecond: number;
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  bareP99Ms: number;
  /** Each round's intake ÷ bare, sorted; the median is `ratio`. */
  roundRatios: number[];
  errors: number;
  subscriptions: number;
  load1: number;
  met: boolean;
}

async function measure(backend: Backend): Promise<Figures> {
  const emulator = await startEmulatorProcess();
  const server = await startBenchServer(backend, emulator);
  try {
    const owner = await ownerWithOrg(server.url);
    const logins = ["support@contoso.com", ...(await createMailboxes(emulator, MAILBOXES - 1, "intake"))];
    for (const login of logins) {
      const channelId = await connectMailbox(owner, emulator, login);
      await awaitChannelReady(server, channelId);
    }
    const rows = await server.database.db.select().from(subscriptions);
    const known = rows.map((row) => ({
      id: row.id,
      clientState: server.mailroom.secretBox.open(row.clientStateSealed, clientStateContext(row.id)),
    }));
    const bodies = Array.from({ length: BODIES }, (_, i) => {
      const unknown = i % Math.round(1 / UNKNOWN_SHARE) === 0;
      const sub = unknown ? { id: randomUUID(), clientState: "x".repeat(43) } : known[i % known.length]!;
      return notification(sub.id, sub.clientState);
    });

    // Diagnostic: BENCH_WEBHOOK_NO_SYNC=1 stops the sync workers first, to see intake alone.
    if (process.env.BENCH_WEBHOOK_NO_SYNC === "1") await server.mailroom.queue.boss.offWork("sync-channel");

    const bare = fastify({ logger: false });
    bare.post("/api/outlook/webhook", async (_request, reply) => reply.status(202).send());
    const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });

    const job = { path: "/api/outlook/webhook", bodies, inFlight: IN_FLIGHT, connections: CONNECTIONS };
    const timing = { warmupMs: WARMUP_MS, durationMs: DURATION_MS };
    // Alternating rounds (bare, intake, bare, intake, …): the machine's load moves during a run,
    // and each round's ratio compares two measurements taken seconds apart. The median round counts.
    const rounds: { intake: LoadResult; baseline: LoadResult }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const baseline = await runLoad({ ...job, ...timing, url: bareUrl });
      const intake = await runLoad({ ...job, ...timing, url: server.url });
      rounds.push({ baseline, intake });
    }
    await bare.close();

    const perSecond = (r: LoadResult) => Math.round((r.requests / r.elapsedMs) * 1000);
    const byRatio = rounds
      .map((r) => ({ ...r, ratio: perSecond(r.intake) / perSecond(r.baseline) }))
      .sort((a, b) => a.ratio - b.ratio);
    const median = byRatio[Math.floor(byRatio.length / 2)]!;
    const requestsPerSecond = perSecond(median.intake);
    const bareRequestsPerSecond = perSecond(median.baseline);
    const ratio = round(median.ratio);
    // Latency over every intake round together.
    const latencies = rounds.flatMap((r) => r.intake.latencies);
    const p99Ms = quantile(latencies, 0.99);
    const errors = rounds.reduce((n, r) => n + r.intake.errors, 0);
    return {
      requestsPerSecond,
      bareRequestsPerSecond,
      ratio,
      p50Ms: quantile(latencies, 0.5),
      p99Ms,
      bareP99Ms: quantile(
        rounds.flatMap((r) => r.baseline.latencies),
        0.99,
      ),
      roundRatios: byRatio.map((r) => round(r.ratio)),
      errors,
      subscriptions: known.length,
      load1: load1(),
      met: ratio >= 0.5 && p99Ms < 50 && errors === 0,
    };
  } finally {
    await server.close();
    await emulator.close();
  }
}

/** A change notification as Graph (and the emulator) sends it for a new Inbox message. */
function notification(subscriptionId: string, clientState: string): string {
  const id = `AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A${randomUUID().replaceAll("-", "")}AAA=`;
  return JSON.stringify({
    value: [
      {
        subscriptionId,
        subscriptionExpirationDateTime: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        changeType: "created",
        resource: `Users/${randomUUID()}/Messages/${id}`,
        resourceData: {
          "@odata.type": "#Microsoft.Graph.Message",
          "@odata.id": `Users/${randomUUID()}/Messages/${id}`,
          "@odata.etag": 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
          id,
        },
        clientState,
        tenantId: randomUUID(),
      },
    ],
  });
}

await perBackend(fileURLToPath(import.meta.url), measure, (results) => ({
  name: "webhook-intake",
  ...results,
  postgresOverPglite: ratios(results, ["requestsPerSecond", "ratio", "p99Ms"]),
  mailboxes: MAILBOXES,
  inFlight: IN_FLIGHT,
  unknownShare: UNKNOWN_SHARE,
  target: ">= 50% of the bare Fastify route's req/s, p99 < 50 ms",
  met: allMet(results),
}));

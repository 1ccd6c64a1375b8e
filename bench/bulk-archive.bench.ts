/**
 * Bulk archive (issue 11, "Benchmarks"): archiving 1,000 conversations — Graph HTTP requests and
 * wall time of Mailroom's bulk action (`POST /api/bulk-actions`: a job, `$batch` of 20, the
 * mailbox's request slots) against one request per conversation, in the same run.
 * Target: ≤ 1/15 of the requests and ≥ 5× faster.
 *
 * The emulator runs in its own process (as Microsoft is never in Mailroom's): one mailbox gets
 * 2 × 1,000 single-message conversations per round (3 rounds by default, BENCH_BULK_ROUNDS, after
 * one that warms both processes up and is not counted, BENCH_BULK_WARMUP)
 * through its control API — the first round's before connecting (the first sync imports them),
 * the others' before their round (notifications and delta bring them). Then, in each round:
 * - one by one: `POST /me/messages/{id}/move {destinationId: "archive"}` per conversation through
 *   the channel's own Graph client (its tokens and its 4 request slots, as every Mailroom request
 *   to the mailbox), 4 at a time — the most Outlook serves a mailbox at once;
 * - bulk: the API's bulk archive of "all matching" the round's other 1,000, timed from the request
 *   to the action's `done` (the job's pickup and the store's writes included, which the
 *   one-by-one run doesn't do).
 * Each way starts with the mailbox's sync at rest (no sync running or due), so neither pays for
 * the other's notifications and delta rounds. The figures are the rounds' medians: on a shared
 * 2-core machine one run of either way can be 20 % off. Requests are the emulator's counts of the
 * move route (one by one) and of `$batch` envelopes (bulk); the sync's own delta rounds, which the
 * moves set off, are left out of both.
 * Prints one JSON line: {"name":"bulk-archive", per-backend figures, target, met}.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { liveEvent } from "@mailroom/contract";
import { and, count, isNull, like } from "drizzle-orm";
import { z } from "zod";
import { type EmulatorAddress, emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { channelGraphClient } from "../server/src/channels/channel-graph.ts";
import { findChannelById } from "../server/src/channels/channel-store.ts";
import { messages } from "../server/src/mail/schema.ts";
import type { TestClient } from "../server/test/harness.ts";
import { syncAtRest } from "../server/test/sync-at-rest.ts";
import { startEmulatorProcess } from "./lib/emulator-process.ts";
import {
  awaitChannelReady,
  type BenchServer,
  connectMailbox,
  createMailboxes,
  ownerWithOrg,
  startBenchServer,
} from "./lib/mailroom.ts";
import { allMet, type Backend, load1, perBackend, quantile, round } from "./lib/run.ts";
import { openEventStream } from "./lib/sse.ts";

const CONVERSATIONS = Number(process.env.BENCH_BULK_CONVERSATIONS ?? 1_000);
/** Rounds of both ways, alternating; the figures are their medians. */
const ROUNDS = Number(process.env.BENCH_BULK_ROUNDS ?? 3);
/** Rounds run first and not counted: both processes' code paths warmed up (compiled) for both ways. */
const WARMUP = Number(process.env.BENCH_BULK_WARMUP ?? 1);
const MOVE = "POST /v1.0/me/messages/:messageId/move";
const BATCH = "POST /v1.0/$batch";

interface Round {
  oneByOne: { requests: number; seconds: number; failed: number };
  bulk: { requests: number; operations: number; seconds: number; failed: number };
}

interface Figures {
  conversations: number;
  rounds: number;
  /** Medians over the rounds. */
  oneByOne: { requests: number; seconds: number };
  bulk: { requests: number; operations: number; seconds: number; failed: number };
  requestRatio: number;
  /** The median one-by-one time over the median bulk time. */
  speedup: number;
  /** Each round's own speed-up, in order. */
  speedups: number[];
  load1: number;
  met: boolean;
}

const bulkBody = z.object({
  bulkAction: z.object({ id: z.string(), status: z.string(), done: z.number(), failed: z.number() }),
});

async function measure(backend: Backend): Promise<Figures> {
  const emulator = await startEmulatorProcess();
  const server = await startBenchServer(backend, emulator);
  try {
    const [login] = await createMailboxes(emulator, 1, "bulk");
    await seed(emulator, login!, 0);
    const owner = await ownerWithOrg(server.url);
    const channelId = await connectMailbox(owner, emulator, login!);
    await awaitChannelReady(server, channelId);
    const rounds: Round[] = [];
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      // Round 0's mail comes with the first sync, the others' through notifications and delta.
      if (r > 0) await seed(emulator, login!, r);
      await imported(server, r);
      const figures = await oneRound(server, emulator, owner, channelId, r);
      if (r >= WARMUP) rounds.push(figures);
    }

    const median = (pick: (round: Round) => number) => quantile(rounds.map(pick), 0.5);
    const oneByOneSeconds = median((r) => r.oneByOne.seconds);
    const bulkSeconds = median((r) => r.bulk.seconds);
    // The worst round's ratio: every round must be within the target.
    const requestRatio = round(Math.max(...rounds.map((r) => r.bulk.requests / r.oneByOne.requests)), 4);
    const speedup = round(oneByOneSeconds / bulkSeconds);
    const failed = rounds.reduce((n, r) => n + r.oneByOne.failed + r.bulk.failed, 0);
    return {
      conversations: CONVERSATIONS,
      rounds: ROUNDS,
      oneByOne: { requests: median((r) => r.oneByOne.requests), seconds: round(oneByOneSeconds) },
      bulk: {
        requests: median((r) => r.bulk.requests),
        operations: median((r) => r.bulk.operations),
        seconds: round(bulkSeconds),
        failed: rounds.reduce((n, r) => n + r.bulk.failed, 0),
      },
      requestRatio,
      speedup,
      speedups: rounds.map((r) => round(r.oneByOne.seconds / r.bulk.seconds)),
      load1: load1(),
      met: failed === 0 && requestRatio <= 1 / 15 && speedup >= 5,
    };
  } finally {
    await server.close();
    await emulator.close();
  }
}

/**
 * One round: round `r`'s "Single" conversations one by one, then its "Batched" ones by a bulk
 * action, each from rest (the sync of what came before done, so neither pays for the other's
 * notifications and delta rounds).
 */
async function oneRound(
  server: BenchServer,
  emulator: EmulatorAddress,
  owner: TestClient,
  channelId: string,
  r: number,
): Promise<Round> {
  await syncAtRest(server.database.db, channelId);
  await resetCounters(emulator);
  const single = await oneByOne(server, channelId, `Single r${r} %`);
  const oneByOneRequests = (await counters(emulator))[MOVE] ?? 0;

  await syncAtRest(server.database.db, channelId);
  await resetCounters(emulator);
  // Told of the end as the web app is, by the live event (polling would add its own load).
  let resolveEnd: (at: number) => void = () => {};
  const end = new Promise<number>((resolve) => {
    resolveEnd = resolve;
  });
  let bulkId: string | undefined;
  const ends = new Map<string, number>();
  const stream = await openEventStream(owner, (event) => {
    const parsed = liveEvent.safeParse({ type: event.type, data: event.data });
    if (parsed.success && parsed.data.type === "bulkActions.progress") {
      const { bulkActionId, status } = parsed.data.data;
      if (status !== "done" && status !== "failed") return;
      ends.set(bulkActionId, event.at);
      if (bulkActionId === bulkId) resolveEnd(event.at);
    }
  });
  const started = performance.now();
  const res = await owner.post("/api/bulk-actions", {
    action: { type: "archive" },
    selection: { allMatching: { q: `Batched r${r} ` } },
  });
  if (res.status !== 202) throw new Error(`bulk: ${res.status} ${JSON.stringify(res.body)}`);
  bulkId = bulkBody.parse(res.body).bulkAction.id;
  const endedAt = ends.get(bulkId) ?? (await end);
  const action = bulkBody.parse((await owner.get(`/api/bulk-actions/${bulkId}`)).body).bulkAction;
  await stream.close();
  if (action.status !== "done" || action.done !== CONVERSATIONS)
    throw new Error(`bulk ended ${action.status} after ${action.done}`);
  const reading = await counters(emulator);
  return {
    oneByOne: { requests: oneByOneRequests, seconds: single.seconds, failed: single.failed },
    bulk: {
      requests: reading[BATCH] ?? 0,
      operations: reading[MOVE] ?? 0,
      seconds: (endedAt - started) / 1000,
      failed: action.failed,
    },
  };
}

/** Archives the conversations whose subject is `like`, one request each, 4 at a time, as the channel's client. */
async function oneByOne(server: BenchServer, channelId: string, subjectLike: string) {
  const { mailroom } = server;
  const channel = (await findChannelById(mailroom.database.db, channelId))!;
  const graph = channelGraphClient(
    { config: mailroom.config, db: mailroom.database.db, box: mailroom.secretBox, events: mailroom.events },
    channel,
  );
  const rows = await mailroom.database.db
    .select({ graphId: messages.graphId })
    .from(messages)
    .where(and(like(messages.subject, subjectLike), isNull(messages.removedAt)));
  let next = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      await graph
        .request(
          {
            method: "POST",
            path: `/me/messages/${encodeURIComponent(row.graphId)}/move`,
            body: { destinationId: "archive" },
          },
          z.object({ id: z.string() }),
        )
        .catch(() => failed++);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return { seconds: (performance.now() - started) / 1000, failed };
}

/** Waits for the sync to have stored round `r`'s conversations. */
async function imported(server: BenchServer, r: number) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [row] = await server.database.db
      .select({ n: count() })
      .from(messages)
      .where(and(like(messages.subject, `% r${r} %`), isNull(messages.removedAt)));
    if (row!.n >= CONVERSATIONS * 2) return;
    if (Date.now() > deadline)
      throw new Error(`the sync stored ${row!.n} of round ${r}'s ${CONVERSATIONS * 2}`);
    await sleep(100);
  }
}

/** Round r's 1,000 "Single rR n" and 1,000 "Batched rR n" conversations of one customer message each, 8 at a time. */
async function seed(emulator: EmulatorAddress, upn: string, r: number): Promise<void> {
  const start = Date.now() - 6 * 3_600_000 + r * CONVERSATIONS * 2 * 1000;
  let next = 0;
  const worker = async () => {
    while (next < CONVERSATIONS * 2) {
      const i = next++;
      const res = await emulatorFetch(
        emulator,
        `/_emulator/mailboxes/${upn}/inbound`,
        jsonInit("POST", {
          from: { name: `Customer ${i}`, address: `c${i}@example.net` },
          subject: `${i % 2 === 0 ? "Single" : "Batched"} r${r} ${i >> 1}`,
          text: `Hello, about order ${i}.`,
          receivedDateTime: new Date(start + i * 1000).toISOString(),
        }),
      );
      if (res.status !== 201) throw new Error(`seed ${r}/${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const countersBody = z.object({ endpoints: z.record(z.string(), z.object({ count: z.number() }).loose()) });

/** The emulator's request counts per route (a `$batch` once, each of its items under its own route). */
async function counters(emulator: EmulatorAddress): Promise<Record<string, number>> {
  const res = await emulatorFetch(emulator, "/_emulator/counters");
  const body = countersBody.parse(await res.json());
  return Object.fromEntries(Object.entries(body.endpoints).map(([name, { count }]) => [name, count]));
}

async function resetCounters(emulator: EmulatorAddress): Promise<void> {
  const res = await emulatorFetch(emulator, "/_emulator/counters/reset", { method: "POST" });
  if (res.status !== 204) throw new Error(`counters reset: ${res.status}`);
}

await perBackend(fileURLToPath(import.meta.url), measure, (results) => ({
  name: "bulk-archive",
  ...results,
  target:
    "bulk archive of 1,000 conversations: <= 1/15 of the Graph requests of one per conversation, >= 5x faster",
  met: allMet(results),
}));

/**
 * Bulk archive (issue 11, "Benchmarks"): archiving 1,000 conversations — Graph HTTP requests and
 * wall time of Mailroom's bulk action (`POST /api/bulk-actions`: a job, `$batch` of 20, the
 * mailbox's request slots) against one request per conversation, in the same run.
 * Target: ≤ 1/15 of the requests and ≥ 5× faster.
 *
 * The emulator runs in its own process (as Microsoft is never in Mailroom's): one mailbox gets
 * 2 × 1,000 single-message conversations received in the last hours through its control API,
 * so the connect's first sync imports them all. Then:
 * - one by one: `POST /me/messages/{id}/move {destinationId: "archive"}` per conversation through
 *   the channel's own Graph client (its tokens and its 4 request slots, as every Mailroom request
 *   to the mailbox), 4 at a time — the most Outlook serves a mailbox at once;
 * - bulk: the API's bulk archive of "all matching" the other 1,000, timed from the request to the
 *   action's `done` (the job's pickup and the store's writes included, which the one-by-one run
 *   doesn't do).
 * Requests are the emulator's counts of the move route (one by one) and of `$batch` envelopes
 * (bulk); the sync's own delta rounds, which the moves set off, are left out of both.
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
import { startEmulatorProcess } from "./lib/emulator-process.ts";
import {
  awaitChannelReady,
  type BenchServer,
  connectMailbox,
  createMailboxes,
  ownerWithOrg,
  startBenchServer,
} from "./lib/mailroom.ts";
import { allMet, type Backend, load1, perBackend, round } from "./lib/run.ts";
import { openEventStream } from "./lib/sse.ts";

const CONVERSATIONS = Number(process.env.BENCH_BULK_CONVERSATIONS ?? 1_000);
const MOVE = "POST /v1.0/me/messages/:messageId/move";
const BATCH = "POST /v1.0/$batch";

interface Figures {
  conversations: number;
  oneByOne: { requests: number; seconds: number };
  bulk: { requests: number; operations: number; seconds: number; failed: number };
  requestRatio: number;
  speedup: number;
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
    await seed(emulator, login!);
    const owner = await ownerWithOrg(server.url);
    const channelId = await connectMailbox(owner, emulator, login!);
    await awaitChannelReady(server, channelId);
    await imported(server, CONVERSATIONS * 2);
    await resetCounters(emulator);
    const single = await oneByOne(server, channelId);
    const oneByOneRequests = (await counters(emulator))[MOVE] ?? 0;

    await resetCounters(emulator);
    // Told of the end as the web app is, by the live event (polling would add its own load).
    const ends = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    const stream = await openEventStream(owner, (event) => {
      const parsed = liveEvent.safeParse({ type: event.type, data: event.data });
      if (parsed.success && parsed.data.type === "bulkActions.progress") {
        const { bulkActionId, status } = parsed.data.data;
        if (status !== "done" && status !== "failed") return;
        ends.set(bulkActionId, event.at);
        waiters.get(bulkActionId)?.();
      }
    });
    const ended = (bulkId: string) =>
      new Promise<void>((resolve) => {
        if (ends.has(bulkId)) resolve();
        else waiters.set(bulkId, resolve);
      });
    const started = performance.now();
    const res = await owner.post("/api/bulk-actions", {
      action: { type: "archive" },
      selection: { allMatching: { q: "Batched " } },
    });
    if (res.status !== 202) throw new Error(`bulk: ${res.status} ${JSON.stringify(res.body)}`);
    const { id } = bulkBody.parse(res.body).bulkAction;
    await ended(id);
    const action = bulkBody.parse((await owner.get(`/api/bulk-actions/${id}`)).body).bulkAction;
    const bulkSeconds = (ends.get(id)! - started) / 1000;
    await stream.close();
    if (action.status !== "done" || action.done !== CONVERSATIONS)
      throw new Error(`bulk ended ${action.status} after ${action.done}`);
    const reading = await counters(emulator);
    const bulkRequests = reading[BATCH] ?? 0;

    const requestRatio = round(bulkRequests / oneByOneRequests, 4);
    const speedup = round(single.seconds / bulkSeconds);
    return {
      conversations: CONVERSATIONS,
      oneByOne: { requests: oneByOneRequests, seconds: round(single.seconds) },
      bulk: {
        requests: bulkRequests,
        operations: reading[MOVE] ?? 0,
        seconds: round(bulkSeconds),
        failed: action.failed,
      },
      requestRatio,
      speedup,
      load1: load1(),
      met: action.failed === 0 && single.failed === 0 && requestRatio <= 1 / 15 && speedup >= 5,
    };
  } finally {
    await server.close();
    await emulator.close();
  }
}

/** Archives the "Single" conversations one request each, 4 at a time, as the channel's client. */
async function oneByOne(server: BenchServer, channelId: string) {
  const { mailroom } = server;
  const channel = (await findChannelById(mailroom.database.db, channelId))!;
  const graph = channelGraphClient(
    { config: mailroom.config, db: mailroom.database.db, box: mailroom.secretBox, events: mailroom.events },
    channel,
  );
  const rows = await mailroom.database.db
    .select({ graphId: messages.graphId })
    .from(messages)
    .where(and(like(messages.subject, "Single %"), isNull(messages.removedAt)));
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

/** Waits for the first sync to have stored `expected` messages. */
async function imported(server: BenchServer, expected: number) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [row] = await server.database.db
      .select({ n: count() })
      .from(messages)
      .where(isNull(messages.removedAt));
    if (row!.n >= expected) return;
    if (Date.now() > deadline) throw new Error(`first sync stored ${row!.n} of ${expected}`);
    await sleep(100);
  }
}

/** 1,000 "Single n" and 1,000 "Batched n" conversations of one customer message each, 8 at a time. */
async function seed(emulator: EmulatorAddress, upn: string): Promise<void> {
  const start = Date.now() - 6 * 3_600_000;
  let next = 0;
  const worker = async () => {
    while (next < CONVERSATIONS * 2) {
      const i = next++;
      const res = await emulatorFetch(
        emulator,
        `/_emulator/mailboxes/${upn}/inbound`,
        jsonInit("POST", {
          from: { name: `Customer ${i}`, address: `c${i}@example.net` },
          subject: `${i % 2 === 0 ? "Single" : "Batched"} ${i >> 1}`,
          text: `Hello, about order ${i}.`,
          receivedDateTime: new Date(start + i * 1000).toISOString(),
        }),
      );
      if (res.status !== 201) throw new Error(`seed ${i}: ${res.status} ${await res.text()}`);
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

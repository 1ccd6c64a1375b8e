/**
 * Notification → SSE latency (issue 5, "Benchmarks"): ≥ 1,000 inbound messages spread over ≥ 20
 * mailboxes connected through the emulator, injected at a steady rate; for each, the time from its
 * injection (just before `POST /_emulator/mailboxes/{upn}/inbound`, which stores the message and
 * posts the change notification at once, without added delay) to the first `conversations.updated`
 * event on `GET /api/events` naming its conversation. The path measured is the whole product path:
 * Graph notification → webhook → sync job → delta → store → event bus → SSE. The server runs in
 * its own process (bench/lib/server-process.ts); the emulator, the injection and the SSE client here.
 * Target: p50 < 250 ms, p99 < 1 s.
 * Prints one JSON line: {"name":"sse-latency", per-backend figures, target, met}.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { connectMailbox, createMailboxes, startBenchEmulator } from "./lib/mailroom.ts";
import { allMet, type Backend, load1, perBackend, quantile, ratios, round } from "./lib/run.ts";
import { awaitAllReady, bootServerProcess } from "./lib/server-process.ts";
import { openEventStream } from "./lib/sse.ts";

const MAILBOXES = Number(process.env.BENCH_SSE_MAILBOXES ?? 20);
const MESSAGES = Number(process.env.BENCH_SSE_MESSAGES ?? 1_000);
const PER_SECOND = Number(process.env.BENCH_SSE_RATE ?? 20);
const EVENT_WAIT_MS = 30_000;

interface Figures {
  messages: number;
  mailboxes: number;
  ratePerSecond: number;
  matched: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  events: number;
  /** How events were matched to messages: by conversation id (precise) or by channel only. */
  matchedBy: "conversationIds" | "channelId";
  load1: number;
  met: boolean;
}

const injected = z.object({ id: z.string(), conversationId: z.string() });
const updated = z.object({
  channelId: z.string(),
  conversationIds: z.array(z.string()).nullable().optional(),
});

interface Sent {
  channelId: string;
  graphConversationId: string;
  at: number;
}

async function measure(backend: Backend): Promise<Figures> {
  const emulator = await startBenchEmulator();
  const booted = await bootServerProcess(backend, emulator);
  const { server, owner } = booted;
  try {
    const logins = await createMailboxes(emulator, MAILBOXES, "sse");
    const channels: string[] = [];
    for (const login of logins) channels.push(await connectMailbox(owner, emulator, login));
    await awaitAllReady(server, MAILBOXES);

    const events: { channelId: string; ids: string[] | null; at: number }[] = [];
    const stream = await openEventStream(owner, (event) => {
      if (event.type !== "conversations.updated") return;
      const data = updated.parse(event.data);
      events.push({ channelId: data.channelId, ids: data.conversationIds ?? null, at: event.at });
    });

    // Steady injection: message i leaves at start + i / rate, whatever the previous ones are doing.
    const sent: Sent[] = [];
    const start = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      const due = start + (i * 1000) / PER_SECOND;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const mailbox = i % MAILBOXES;
      inflight.push(
        (async () => {
          const at = performance.now();
          const res = await emulatorFetch(
            emulator,
            `/_emulator/mailboxes/${logins[mailbox]}/inbound`,
            jsonInit("POST", {
              from: { name: "Dana Customer", address: `dana${i}@example.net` },
              subject: `Latency ${i}`,
              text: "Hello",
            }),
          );
          if (res.status !== 201) throw new Error(`inbound: ${res.status} ${await res.text()}`);
          const body = injected.parse(await res.json());
          sent.push({ channelId: channels[mailbox]!, graphConversationId: body.conversationId, at });
        })(),
      );
    }
    await Promise.all(inflight);

    // Our conversation ids for the Graph ones (events may name either).
    const ourId = new Map<string, string>();
    const known = async () => {
      const rows = await server.call<{ id: string; graph: string }[]>("conversations");
      for (const row of rows) ourId.set(row.graph, row.id);
    };
    const deadline = performance.now() + EVENT_WAIT_MS;
    let latencies: number[] = [];
    let matchedBy: Figures["matchedBy"] = "conversationIds";
    for (;;) {
      await known();
      ({ latencies, matchedBy } = match(sent, events, ourId));
      if (latencies.length === sent.length || performance.now() > deadline) break;
      await sleep(250);
    }
    await stream.close();
    const p50Ms = quantile(latencies, 0.5);
    const p99Ms = quantile(latencies, 0.99);
    return {
      messages: sent.length,
      mailboxes: MAILBOXES,
      ratePerSecond: PER_SECOND,
      matched: latencies.length,
      p50Ms,
      p90Ms: quantile(latencies, 0.9),
      p99Ms,
      maxMs: round(Math.max(...latencies)),
      events: events.length,
      matchedBy,
      load1: load1(),
      met:
        matchedBy === "conversationIds" &&
        latencies.length === sent.length &&
        sent.length >= 1_000 &&
        MAILBOXES >= 20 &&
        p50Ms < 250 &&
        p99Ms < 1_000,
    };
  } finally {
    await booted.close();
    await emulator.close();
  }
}

/**
 * Each message's latency: the first event after its injection naming its conversation. Events
 * without conversation ids (an older server) can only be matched by channel, which understates
 * nothing but may credit an event that came before the message was stored: reported as such.
 */
function match(
  sent: Sent[],
  events: { channelId: string; ids: string[] | null; at: number }[],
  ourId: Map<string, string>,
) {
  const precise = events.some((e) => e.ids !== null);
  const latencies: number[] = [];
  for (const message of sent) {
    const ours = ourId.get(message.graphConversationId);
    const event = events.find(
      (e) =>
        e.at >= message.at &&
        e.channelId === message.channelId &&
        (!precise ||
          e.ids === null ||
          e.ids.includes(message.graphConversationId) ||
          (ours !== undefined && e.ids.includes(ours))),
    );
    if (event) latencies.push(event.at - message.at);
  }
  return { latencies, matchedBy: precise ? ("conversationIds" as const) : ("channelId" as const) };
}

await perBackend(fileURLToPath(import.meta.url), measure, (results) => ({
  name: "sse-latency",
  ...results,
  postgresOverPglite: ratios(results, ["p50Ms", "p99Ms"]),
  measuredFrom: "inbound injection at the emulator (its notification is posted at once)",
  target: "p50 < 250 ms, p99 < 1 s over >= 1,000 messages across >= 20 mailboxes",
  met: allMet(results),
}));

/**
 * Send latency (issue 11, "Benchmarks"): Send (the channel's undo window set to 0) → the message in
 * the customer's mailbox in the emulator. 200 replies from 10 connected mailboxes to one customer,
 * each timed from just before `POST /api/outbox` to the emulator storing the delivered copy in the
 * customer's Inbox (a store listener in this process, which holds the emulator). The path measured
 * is the whole product path: API checks and the outbox row → the send job (pg-boss) → Graph
 * createReply → PATCH (If-Match) → send → Exchange's delivery. Replies go at a steady rate, 20 per
 * mailbox, under Exchange's 30 a minute. Target: p50 < 500 ms, p99 < 2 s on PGlite.
 * Prints one JSON line: {"name":"send-latency", per-backend figures, target, met}.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";
import { connectMailbox, createMailboxes, startBenchEmulator } from "./lib/mailroom.ts";
import { allMet, type Backend, load1, perBackend, quantile, ratios, round } from "./lib/run.ts";
import { awaitAllReady, bootServerProcess } from "./lib/server-process.ts";

const MAILBOXES = Number(process.env.BENCH_SEND_MAILBOXES ?? 10);
const REPLIES = Number(process.env.BENCH_SEND_REPLIES ?? 200);
const PER_SECOND = Number(process.env.BENCH_SEND_RATE ?? 5);
const DELIVERY_WAIT_MS = 60_000;
const OUTBOX_HEADER = "x-mailroom-outbox-id";

interface Figures {
  replies: number;
  mailboxes: number;
  ratePerSecond: number;
  delivered: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  load1: number;
  met: boolean;
}

const conversationList = z.object({
  conversations: z.array(z.object({ id: z.string(), channel: z.object({ email: z.string() }) })),
});
const conversationBody = z.object({
  conversation: z.object({ messages: z.array(z.object({ id: z.string() })) }),
});
const outboxBody = z.object({ outbox: z.object({ id: z.string() }) });

async function measure(backend: Backend): Promise<Figures> {
  const emulator = await startBenchEmulator();
  const booted = await bootServerProcess(backend, emulator);
  const { server, owner } = booted;
  try {
    const logins = await createMailboxes(emulator, MAILBOXES, "send");
    const [customer] = await createMailboxes(emulator, 1, "customer");
    const channels: string[] = [];
    for (const login of logins) channels.push(await connectMailbox(owner, emulator, login));
    await awaitAllReady(server, MAILBOXES);
    for (const id of channels) {
      const res = await owner.patch(`/api/channels/${id}`, { undoSendSeconds: 0 });
      if (res.status !== 200) throw new Error(`settings: ${res.status}`);
    }
    // One message from the customer in each mailbox: the replies answer it.
    for (const login of logins) {
      const res = await emulatorFetch(
        emulator,
        `/_emulator/mailboxes/${login}/inbound`,
        jsonInit("POST", { from: { name: "Customer", address: customer }, subject: "Help", text: "Hello" }),
      );
      if (res.status !== 201) throw new Error(`inbound: ${res.status}`);
    }
    const answered = await waitForConversations(owner, MAILBOXES);

    // Delivery times by outbox id, as the customer's mailbox stores each copy.
    const mailbox = emulator.store.mailbox(customer!)!;
    const deliveredAt = new Map<string, number>();
    const unsubscribe = emulator.store.onChange((change) => {
      if (change.kind !== "created") return;
      const message = mailbox.folders.get(change.folderId)?.messages.get(change.messageId);
      const header = message?.internetMessageHeaders.find((h) => h.name?.toLowerCase() === OUTBOX_HEADER);
      const outboxId = header?.value;
      if (outboxId && !deliveredAt.has(outboxId)) deliveredAt.set(outboxId, performance.now());
    }, mailbox.id);

    const sentAt = new Map<string, number>();
    const start = performance.now();
    const inflight: Promise<void>[] = [];
    for (let i = 0; i < REPLIES; i++) {
      const wait = start + (i * 1000) / PER_SECOND - performance.now();
      if (wait > 0) await sleep(wait);
      const { messageId, from } = answered[i % answered.length]!;
      inflight.push(
        (async () => {
          const at = performance.now();
          const res = await owner.post("/api/outbox", {
            kind: "reply",
            messageId,
            // The thread grows with every reply: the collision check is not what is measured.
            sendAnyway: true,
            from,
            to: [{ address: customer }],
            html: `<p>Reply ${i}</p>`,
          });
          if (res.status !== 201) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
          sentAt.set(outboxBody.parse(res.body).outbox.id, at);
        })(),
      );
    }
    await Promise.all(inflight);
    const deadline = performance.now() + DELIVERY_WAIT_MS;
    while ([...sentAt.keys()].some((id) => !deliveredAt.has(id)) && performance.now() < deadline)
      await sleep(100);
    unsubscribe();

    const latencies = [...sentAt].flatMap(([id, at]) => {
      const done = deliveredAt.get(id);
      return done === undefined ? [] : [done - at];
    });
    if (process.env.BENCH_DEBUG)
      console.error(`#     latencies in send order: ${latencies.map(Math.round).join(" ")}`);
    const p50Ms = quantile(latencies, 0.5);
    const p99Ms = quantile(latencies, 0.99);
    return {
      replies: sentAt.size,
      mailboxes: MAILBOXES,
      ratePerSecond: PER_SECOND,
      delivered: latencies.length,
      p50Ms,
      p90Ms: quantile(latencies, 0.9),
      p99Ms,
      maxMs: round(Math.max(...latencies)),
      load1: load1(),
      met:
        latencies.length === REPLIES &&
        REPLIES >= 200 &&
        MAILBOXES >= 10 &&
        (backend !== "pglite" || (p50Ms < 500 && p99Ms < 2_000)),
    };
  } finally {
    await booted.close();
    await emulator.close();
  }
}

/** Our id of the customer's message in each mailbox's conversation, once the sync stored them. */
async function waitForConversations(
  owner: Awaited<ReturnType<typeof bootServerProcess>>["owner"],
  count: number,
): Promise<{ messageId: string; from: string }[]> {
  const deadline = performance.now() + 120_000;
  for (;;) {
    const list = conversationList.parse((await owner.get("/api/conversations?limit=100")).body);
    if (list.conversations.length >= count) {
      const answered: { messageId: string; from: string }[] = [];
      for (const c of list.conversations.slice(0, count)) {
        const detail = conversationBody.parse((await owner.get(`/api/conversations/${c.id}`)).body);
        answered.push({ messageId: detail.conversation.messages[0]!.id, from: c.channel.email });
      }
      return answered;
    }
    if (performance.now() > deadline) throw new Error(`only ${list.conversations.length} conversations`);
    await sleep(250);
  }
}

await perBackend(fileURLToPath(import.meta.url), measure, (results) => ({
  name: "send-latency",
  ...results,
  postgresOverPglite: ratios(results, ["p50Ms", "p99Ms"]),
  measuredFrom: "just before POST /api/outbox (undo window 0) to the copy stored in the customer's Inbox",
  target: "p50 < 500 ms, p99 < 2 s over >= 200 replies from >= 10 mailboxes, on PGlite",
  met: allMet(results),
}));

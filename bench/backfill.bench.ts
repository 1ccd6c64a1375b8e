/**
 * Backfill (issue 5, "Benchmarks"): "Sync older mail" of a mailbox holding ≥ 20,000 messages —
 * messages stored per second and Graph requests per 1,000 messages (the emulator's counters).
 * Target: ≥ 2,000 messages/s and ≤ 1.2 requests per 1,000 messages.
 *
 * The mailbox is seeded straight into the emulator's store before it is connected: threads of
 * four (three from customers, one reply in Sent Items), ~1 KB HTML bodies, received between 8 and
 * 89 days ago, so the connect's own 7-day initial sync finds none of it and the 90-day backfill
 * (`POST /api/channels/:id/backfill {days: 90}`, the channel page's button) imports all of it.
 * Timed from the request to the backfill's `done` status; counters reset just before.
 * Prints one JSON line: {"name":"backfill", per-backend figures, target, met}.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { count, eq } from "drizzle-orm";
import { z } from "zod";
import { graphDateTime } from "../emulator/src/clock.ts";
import { deliverMessage } from "../emulator/src/store/messages.ts";
import { messages } from "../server/src/mail/schema.ts";
import { graphCounters } from "./lib/counters.ts";
import {
  awaitChannelReady,
  connectMailbox,
  createMailboxes,
  ownerWithOrg,
  startBenchEmulator,
  startBenchServer,
} from "./lib/mailroom.ts";
import { allMet, type Backend, load1, perBackend, ratios, round } from "./lib/run.ts";

const MESSAGES = Number(process.env.BENCH_BACKFILL_MESSAGES ?? 20_000);
const DAYS = 90;
const DAY_MS = 86_400_000;

interface Figures {
  messages: number;
  stored: number;
  seconds: number;
  messagesPerSecond: number;
  graphRequests: number;
  requestsPer1000: number;
  /** Batch items counted one by one, as Graph's throttling counts them. */
  operationsPer1000: number;
  byEndpoint: Record<string, number>;
  load1: number;
  met: boolean;
}

const backfillsBody = z.object({
  latest: z.object({ status: z.string(), synced: z.number(), total: z.number().nullable() }).nullable(),
});

async function measure(backend: Backend): Promise<Figures> {
  const emulator = await startBenchEmulator();
  const server = await startBenchServer(backend, emulator);
  try {
    const [login] = await createMailboxes(emulator, 1, "backfill");
    seed(emulator.app.emulator.store, login!);
    const owner = await ownerWithOrg(server.url);
    const channelId = await connectMailbox(owner, emulator, login!);
    await awaitChannelReady(server, channelId);
    const latest = async () => {
      const res = await owner.get(`/api/channels/${channelId}/backfills`);
      if (res.status !== 200) throw new Error(`backfills: ${res.status} ${JSON.stringify(res.body)}`);
      return backfillsBody.parse(res.body).latest;
    };
    // A backfill the connect started itself (if any) runs to its end first.
    while ((await latest())?.status === "running") await sleep(200);

    const counters = await graphCounters(emulator);
    await counters.reset();
    const started = performance.now();
    const res = await owner.post(`/api/channels/${channelId}/backfill`, { days: DAYS });
    if (res.status !== 202) throw new Error(`backfill: ${res.status} ${JSON.stringify(res.body)}`);
    let status = "running";
    while (status === "running") {
      await sleep(50);
      status = (await latest())?.status ?? "missing";
    }
    const seconds = (performance.now() - started) / 1000;
    if (status !== "done") throw new Error(`backfill ended ${status}`);
    const { graphRequests, graphOperations, byEndpoint } = await counters.read();
    const [row] = await server.database.db
      .select({ n: count() })
      .from(messages)
      .where(eq(messages.channelId, channelId));
    const stored = row!.n;
    const messagesPerSecond = Math.round(stored / seconds);
    const requestsPer1000 = round((graphRequests / stored) * 1000);
    return {
      messages: MESSAGES,
      stored,
      seconds: round(seconds),
      messagesPerSecond,
      graphRequests,
      requestsPer1000,
      operationsPer1000: round((graphOperations / stored) * 1000),
      byEndpoint,
      load1: load1(),
      met: stored >= MESSAGES && messagesPerSecond >= 2_000 && requestsPer1000 <= 1.2,
    };
  } finally {
    await server.close();
    await emulator.close();
  }
}

/**
 * `MESSAGES` messages straight into the store (no Graph calls, no notifications: nothing is
 * subscribed yet), evenly spread over the older part of the window, oldest first so replies thread.
 */
function seed(store: Parameters<typeof deliverMessage>[0], upn: string): void {
  const mailbox = [...store.state.mailboxes.values()].find((m) => m.userPrincipalName === upn)!;
  const newest = Date.now() - 8 * DAY_MS;
  const oldest = Date.now() - (DAYS - 1) * DAY_MS;
  const step = (newest - oldest) / MESSAGES;
  const me = { emailAddress: { name: mailbox.displayName, address: upn } };
  const paragraph = "<p>Hello, our order arrived damaged and we would like a replacement. ".repeat(12);
  let parent: string | null = null;
  for (let i = 0; i < MESSAGES; i++) {
    const received = graphDateTime(oldest + i * step);
    const customer = { emailAddress: { name: `Customer ${i >> 2}`, address: `c${i >> 2}@example.net` } };
    const fromUs = i % 4 === 3;
    const message = deliverMessage(store, mailbox, fromUs ? "sentitems" : "inbox", {
      subject: `${i % 4 ? "RE: " : ""}Order ${i >> 2}`,
      body: { contentType: "html", content: `${paragraph}${i}</p>` },
      from: fromUs ? me : customer,
      toRecipients: [fromUs ? customer : me],
      receivedDateTime: received,
      isRead: i < MESSAGES - 50,
      inReplyTo: i % 4 ? parent : null,
    });
    parent = message.internetMessageId;
  }
}

await perBackend(fileURLToPath(import.meta.url), measure, (results) => ({
  name: "backfill",
  ...results,
  postgresOverPglite: ratios(results, ["messagesPerSecond", "requestsPer1000"]),
  days: DAYS,
  target: ">= 2,000 messages/s, <= 1.2 Graph requests per 1,000 messages",
  met: allMet(results),
}));

/**
 * Change-notification throughput of the emulator: subscriptions on several mailboxes, many messages
 * delivered straight into the store, and a local receiver (keep-alive, answers 202) counting the
 * notifications it gets. Target: ≥ 1,000 notifications per second (issue 3, "Performance").
 * Prints one JSON line: {"name":"emulator-notifications","notificationsPerSecond",…,"target","met"}.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClock } from "../emulator/src/clock.ts";
import { issueAccessToken } from "../emulator/src/identity/tokens.ts";
import { MAILROOM_APP, SEED_IDS } from "../emulator/src/seed/default.ts";
import { createEmulator } from "../emulator/src/server.ts";
import { deliverMessage } from "../emulator/src/store/messages.ts";
import { emulatorFetch, jsonInit } from "../emulator/src/testing/emulator-fetch.ts";

const TARGET = 1_000;
const MESSAGES = Number(process.env.BENCH_NOTIFICATIONS ?? 20_000);
const CHUNK = 200;
const USERS = [SEED_IDS.users.support, SEED_IDS.users.alex, SEED_IDS.users.camille, SEED_IDS.users.customer];

let received = 0;
let posts = 0;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const token = new URL(request.url ?? "/", "http://receiver").searchParams.get("validationToken");
    if (token !== null) {
      response.writeHead(200, { "content-type": "text/plain" }).end(token);
      return;
    }
    posts++;
    received += (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { value: unknown[] }).value.length;
    response.writeHead(202).end();
  });
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;

const emulator = await createEmulator({ clock: createClock({ timeScale: 0 }) });
const ctx = emulator.app.emulator;
const mailboxes = USERS.map((id) => ctx.store.mailbox(id)!);
for (const mailbox of mailboxes) {
  const { accessToken } = issueAccessToken(ctx, {
    tenantId: mailbox.tenantId,
    clientId: MAILROOM_APP.clientId,
    userId: mailbox.id,
    scopes: ["Mail.Read"],
  });
  const response = await emulatorFetch(
    emulator,
    "/v1.0/subscriptions",
    jsonInit(
      "POST",
      {
        changeType: "created,updated,deleted",
        notificationUrl: receiverUrl,
        resource: "/me/mailFolders('inbox')/messages",
        expirationDateTime: new Date(ctx.clock.now() + 24 * 3_600_000).toISOString(),
        clientState: "bench",
      },
      { authorization: `Bearer ${accessToken}` },
    ),
  );
  if (response.status !== 201)
    throw new Error(`subscription failed: ${response.status} ${await response.text()}`);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out with ${received} notifications received`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Delivers `count` messages round-robin, yielding to the event loop between chunks as real traffic would. */
let storeMs = 0;
async function deliver(count: number): Promise<void> {
  for (let sent = 0; sent < count; ) {
    const chunkStarted = performance.now();
    for (let i = 0; i < CHUNK && sent < count; i++, sent++) {
      deliverMessage(ctx.store, mailboxes[sent % mailboxes.length]!, "inbox", { subject: `Bench ${sent}` });
    }
    storeMs += performance.now() - chunkStarted;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

await deliver(500); // warm-up: connections, JIT
await until(() => received >= 500, 30_000);
received = 0;
posts = 0;
storeMs = 0;

const started = performance.now();
await deliver(MESSAGES);
await until(() => received >= MESSAGES, 120_000);
const seconds = (performance.now() - started) / 1000;
const notificationsPerSecond = Math.round(MESSAGES / seconds);

console.log(
  JSON.stringify({
    name: "emulator-notifications",
    notificationsPerSecond,
    notifications: MESSAGES,
    posts,
    meanBatch: Number((received / posts).toFixed(1)),
    mailboxes: mailboxes.length,
    seconds: Number(seconds.toFixed(2)),
    // Time spent in the store's deliverMessage (ids, headers, change log): the main cost here.
    storeSeconds: Number((storeMs / 1000).toFixed(2)),
    target: `>= ${TARGET}/s`,
    met: notificationsPerSecond >= TARGET,
  }),
);
await emulator.close();
server.closeAllConnections();
server.close();

import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { subscriptions } from "../src/sync/subscriptions/schema.ts";
import { clientStateContext } from "../src/sync/subscriptions/subscription-store.ts";
import type { TestServer } from "./harness.ts";
import { startConnectedMailbox } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * "Valid notifications leave exactly one pending sync per channel": a web-only server (no worker
 * takes the jobs) receives a burst of valid notifications for one channel, then for another.
 */
let emulator: Emulator;
let server: TestServer;
let channelId: string;
let orgId: string;

beforeAll(async () => {
  ({ emulator, server, orgId, channelId } = await startConnectedMailbox({ env: { ROLE: "web" } }));
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

async function subscribe(id: string): Promise<string> {
  const clientState = randomBytes(32).toString("base64url");
  await server.database.db.insert(subscriptions).values({
    id,
    orgId,
    channelId,
    folder: "inbox",
    clientStateSealed: server.mailroom.secretBox.seal(clientState, clientStateContext(id)),
    expiresAt: new Date(Date.now() + 86_400_000),
    maxMinutes: 10_080,
  });
  return clientState;
}

async function waitingSyncs(): Promise<number> {
  const result = await server.database.db.execute(
    sql`select count(*)::int as n from pgboss.job
        where name = 'sync-channel' and singleton_key = ${channelId} and state in ('created', 'retry')`,
  );
  return z.object({ n: z.number() }).parse(result.rows[0]).n;
}

it("queues one sync for a burst of notifications, however many arrive", async () => {
  const inbox = await subscribe("sub-inbox-burst");
  const notification = (i: number) => ({
    subscriptionId: "sub-inbox-burst",
    clientState: inbox,
    changeType: "created",
    resource: `Users/u/Messages/m${i}`,
    subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
    tenantId: "t",
  });
  const post = (body: unknown) =>
    fetch(`${server.url}/api/outlook/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  // The connect queued a first sync; clear it, so the burst's own job is what remains.
  await server.database.db.execute(
    sql`delete from pgboss.job where name = 'sync-channel' and singleton_key = ${channelId}`,
  );
  for (const round of [0, 1]) {
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        post({ value: [notification(round * 1000 + i), notification(round * 1000 + i + 100)] }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(202));
    await waitFor(async () => (await waitingSyncs()) > 0, { what: "the burst's sync queued" });
    expect(await waitingSyncs()).toBe(1);
  }
});

it("queues a channel's next notified sync half a second after its last one (two after a storm), not back to back", async () => {
  const inbox = await subscribe("sub-inbox-storm");
  const post = (i: number) =>
    fetch(`${server.url}/api/outlook/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        value: [{ subscriptionId: "sub-inbox-storm", clientState: inbox, changeType: "created" }],
      }),
    }).then((res) => expect(res.status, `notification ${i}`).toBe(202));
  const queued = async () => {
    const result = await server.database.db.execute(
      sql`select created_on from pgboss.job
          where name = 'sync-channel' and singleton_key = ${channelId} order by created_on`,
    );
    return z
      .array(z.object({ created_on: z.coerce.date() }))
      .parse(result.rows)
      .map((r) => r.created_on);
  };
  await server.database.db.execute(
    sql`delete from pgboss.job where name = 'sync-channel' and singleton_key = ${channelId}`,
  );
  await post(0);
  const [first] = await waitFor(async () => ((await queued()).length === 1 ? queued() : undefined), {
    what: "the first sync queued",
  });
  // As if a worker took it at once: the slot is free, and the storm goes on.
  await server.database.db.execute(
    sql`delete from pgboss.job where name = 'sync-channel' and singleton_key = ${channelId}`,
  );
  await post(1);
  await post(2);
  const [next] = await waitFor(async () => ((await queued()).length === 1 ? queued() : undefined), {
    what: "the storm's sync queued",
  });
  // One job for both, queued half a second after the first (the database's clock for both).
  expect(next!.getTime() - first!.getTime()).toBeGreaterThanOrEqual(450);

  // A send that carried a storm (60 notifications at once) makes the channel wait two seconds.
  await server.database.db.execute(
    sql`delete from pgboss.job where name = 'sync-channel' and singleton_key = ${channelId}`,
  );
  const storm = await fetch(`${server.url}/api/outlook/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      value: Array.from({ length: 60 }, () => ({
        subscriptionId: "sub-inbox-storm",
        clientState: inbox,
        changeType: "created",
      })),
    }),
  });
  expect(storm.status).toBe(202);
  const [stormed] = await waitFor(async () => ((await queued()).length === 1 ? queued() : undefined), {
    what: "the storm's own sync queued",
  });
  await server.database.db.execute(
    sql`delete from pgboss.job where name = 'sync-channel' and singleton_key = ${channelId}`,
  );
  await post(3);
  const [after] = await waitFor(async () => ((await queued()).length === 1 ? queued() : undefined), {
    what: "the sync after the storm queued",
  });
  expect(after!.getTime() - stormed!.getTime()).toBeGreaterThanOrEqual(1_850);
});

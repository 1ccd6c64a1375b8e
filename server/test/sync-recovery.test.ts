import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { messages } from "../src/mail/schema.ts";
import { syncLeases } from "../src/sync/delta/schema.ts";
import { reapExpiredLeases, runSyncSweep } from "../src/sync/delta/sweep.ts";
import type { TestServer } from "./harness.ts";
import { cancelWaitingSweeps, startConnectedMailbox } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Recovery from the failures the chaos test found: a worker that dies mid-run (its lease and its
 * job), and a sweep's spread-out jobs never standing in a notification's way.
 */
const MAILBOX = "support@contoso.com";
let emulator: Emulator;
let server: TestServer;
let channelId: string;

beforeAll(async () => {
  ({ emulator, server, channelId } = await startConnectedMailbox());
  await waitFor(async () => (await server.database.db.select().from(messages)).length > 0, {
    what: "the first sync",
    timeoutMs: 60_000,
  });
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

async function deliver(subject: string) {
  const res = await emulatorFetch(
    emulator,
    `/_emulator/mailboxes/${MAILBOX}/inbound`,
    jsonInit("POST", { from: { name: "Dana", address: "dana@example.net" }, subject, text: "Hi" }),
  );
  expect(res.status).toBe(201);
  return z.object({ id: z.string() }).parse(await res.json()).id;
}

async function stored(graphId: string) {
  const [row] = await server.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.graphId, graphId)));
  return row;
}

describe("sync recovery", () => {
  it("keeps notifications flowing while a sweep's job waits out its spread", async () => {
    const deps = { ...server.mailroom, db: server.database.db, queue: server.mailroom.queue };
    await cancelWaitingSweeps(server, channelId);
    // Every sweep job waits 10 minutes (the spread), under its own key.
    await runSyncSweep({
      ...deps,
      random: () => 0.99,
      config: { ...deps.config, sync: { ...deps.config.sync, sweepMinutes: 40 } },
    });
    const waiting = await server.database.db.execute<{ key: string }>(
      sql`select singleton_key as key from pgboss.job where name = 'sync-channel' and state = 'created' and start_after > now() + interval '5 minutes'`,
    );
    expect(waiting.rows.map((r) => r.key)).toEqual([`sweep:${channelId}`]);
    const id = await deliver("Not held up by the sweep");
    await waitFor(() => stored(id), { what: "the notified message", timeoutMs: 60_000 });
  });

  it("queues the sync again when a dead worker's lease expires, and frees the channel", async () => {
    // A worker took the lease, was asked for another round (rerun note), and died.
    await waitFor(async () => (await server.database.db.select().from(syncLeases)).length === 0, {
      what: "no sync running",
    });
    await server.database.db.insert(syncLeases).values({
      channelId,
      holder: "dead-worker",
      expiresAt: new Date(Date.now() - 1000),
      rerun: true,
    });
    const id = await deliver("Arrived while the dead worker held the lease");
    const deps = { ...server.mailroom, db: server.database.db, queue: server.mailroom.queue };
    expect(await reapExpiredLeases(deps)).toEqual({ enqueued: 1 });
    await waitFor(() => stored(id), { what: "the message after the reaped lease", timeoutMs: 60_000 });
    expect(await reapExpiredLeases(deps)).toEqual({ enqueued: 0 });
  });

  it("has workers heartbeat their sync jobs, so a dead worker's job is retried within seconds", async () => {
    const queue = await server.mailroom.queue.boss.getQueue("sync-channel");
    expect(queue).toMatchObject({ policy: "stately", heartbeatSeconds: 10 });
  });
});

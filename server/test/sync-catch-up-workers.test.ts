import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { createLogger } from "../src/log.ts";
import { type Mailroom, startMailroom } from "../src/start.ts";
import type { TestServer } from "./harness.ts";
import { startConnectedMailbox, syncAtRest } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Several worker processes starting together (a deploy, a cluster restart) each ask for the catch-up
 * at start, and between them queue one catch-up round per channel, not one each.
 */
let emulator: Emulator;
let server: TestServer;
let channelId: string;

beforeAll(async () => {
  ({ emulator, server, channelId } = await startConnectedMailbox());
  // The test server's own catch-up at start (queued before the channel existed, or after) is done.
  await waitFor(
    async () => (await pending("sync-catch-up")) + (await pending("sync-channel", "catch-up:")) === 0,
    {
      timeoutMs: 120_000,
      intervalMs: 250,
      what: "the test server's catch-up at start and the channel's first syncs",
    },
  );
  await syncAtRest(server.database.db, channelId, 120_000);
}, 180_000);

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const Count = z.object({ n: z.coerce.number() });

/** Jobs of `name` (whose singleton key starts with `keyPrefix`) waiting, however far ahead, or running. */
async function pending(name: string, keyPrefix = "") {
  const rows = await server.database.db.execute(sql`
    select count(*)::int as n from pgboss.job
    where name = ${name} and state in ('created', 'retry', 'active')
      and coalesce(singleton_key, '') like ${`${keyPrefix}%`}`);
  return Count.parse(rows.rows[0]).n;
}

/** Jobs of `name` (with `singletonKey`, if given) created since `since`, and how many completed. */
async function jobs(since: Date, name: string, singletonKey?: string) {
  const key = singletonKey ?? null;
  const count = async (completedOnly: boolean) => {
    const rows = await server.database.db.execute(sql`
      select count(*)::int as n from pgboss.job
      where name = ${name} and created_on >= ${since.toISOString()}::timestamptz
        and (${key}::text is null or singleton_key = ${key}::text)
        and (${!completedOnly} or state = 'completed')`);
    return Count.parse(rows.rows[0]).n;
  };
  return { created: await count(false), completed: await count(true) };
}

describe("workers starting together", () => {
  it("queue one catch-up round per channel between them", { timeout: 240_000 }, async () => {
    const { now } = z
      .object({ now: z.coerce.date() })
      .parse((await server.database.db.execute(sql`select now() as now`)).rows[0]);
    const config = { ...server.mailroom.config, role: "worker" as const };
    const logger = createLogger(config);
    const workers: Mailroom[] = await Promise.all([
      startMailroom(config, { database: server.database, logger }),
      startMailroom(config, { database: server.database, logger }),
    ]);
    try {
      const round = await waitFor(
        async () => {
          const r = await jobs(now, "sync-channel", `catch-up:${channelId}`);
          return r.completed > 0 ? r : undefined;
        },
        { timeoutMs: 180_000, intervalMs: 250, what: "the channel's catch-up round" },
      );
      expect(round).toEqual({ created: 1, completed: 1 });
      expect(await jobs(now, "sync-catch-up")).toEqual({ created: 1, completed: 1 });
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });
});

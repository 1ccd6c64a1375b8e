import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { type Database, openDatabase } from "../src/db/client.ts";
import { migrationsFolder, runMigrations } from "../src/db/migrate.ts";
import { adminQuery, withDatabase } from "./global-setup.ts";

/**
 * Migration 0007 (typed states) on a database that already holds data written by the schema
 * before it: every state the code writes passes its CHECK, a running backfill's jsonb cursors
 * become `backfill_cursors` rows, and values outside the lists are refused from then on.
 */

const BEFORE = "0006_subscription_authorized_until";
const ids = { org: `org-${randomUUID()}`, channel: randomUUID(), backfill: randomUUID() };

let database: Database;
let dropDatabase: () => Promise<void>;

/** An empty database of the kind this run tests (PGlite, or Postgres when DATABASE_URL is set). */
async function emptyDatabase(): Promise<{ database: Database; drop: () => Promise<void> }> {
  const template = inject("dbTemplate");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-migrations-"));
  if (template.kind === "pglite") {
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    return { database, drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  }
  const name = `mailroom_m_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await adminQuery(template.url, `create database ${name}`);
  const database = await openDatabase({ databaseUrl: withDatabase(template.url, name), dataDir });
  return {
    database,
    drop: async () => {
      await database.close();
      await adminQuery(template.url, `drop database if exists ${name} with (force)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A copy of the migrations folder whose journal stops at `last`. */
function migrationsUpTo(last: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-migrations-up-to-"));
  fs.cpSync(migrationsFolder, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = z
    .object({ entries: z.array(z.object({ tag: z.string() }).loose()) })
    .loose()
    .parse(JSON.parse(fs.readFileSync(journalPath, "utf8")));
  const end = journal.entries.findIndex((e) => e.tag === last);
  expect(end).toBeGreaterThanOrEqual(0);
  fs.writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, end + 1) }));
  return dir;
}

async function rows(query: ReturnType<typeof sql>) {
  return (await database.db.execute<Record<string, unknown>>(query)).rows;
}

/** The Postgres error code of a failed statement (Drizzle wraps the driver's error). */
async function errorCode(statement: Promise<unknown>): Promise<string | undefined> {
  try {
    await statement;
    return undefined;
  } catch (err) {
    const parsed = z
      .object({ cause: z.object({ code: z.string() }).loose() })
      .loose()
      .safeParse(err);
    return parsed.success ? parsed.data.cause.code : "not a database error";
  }
}

beforeAll(async () => {
  const empty = await emptyDatabase();
  database = empty.database;
  dropDatabase = empty.drop;
  const before = migrationsUpTo(BEFORE);
  await runMigrations(database, before);
  fs.rmSync(before, { recursive: true, force: true });

  const { org, channel, backfill } = ids;
  await database.db.execute(sql`
    insert into organization (id, name, slug, created_at) values (${org}, 'Contoso', ${org}, now())`);
  await database.db.execute(sql`
    insert into channels (id, org_id, status, status_reason, credential_source, client_id, ms_tenant_id,
      ms_user_id, email, display_name)
    values (${channel}, ${org}, 'needs_reauth', 'grant_revoked', 'byoc', 'app', 'tenant', 'user',
      'support@contoso.com', 'Support')`);
  await database.db.execute(sql`
    insert into channel_sync_state (channel_id, org_id, mode, polling_reason)
    values (${channel}, ${org}, 'polling', 'subscription_lapsed')`);
  await database.db.execute(sql`
    insert into backfills (id, org_id, channel_id, days, window_start, window_end, status, synced, cursors)
    values (${backfill}, ${org}, ${channel}, 30, now() - interval '30 days', now(), 'running', 1007,
      ${JSON.stringify({
        inbox: {
          nextLink: "/me/mailFolders/inbox/messages?$skip=1000",
          total: 2500,
          synced: 1000,
          done: false,
        },
        sentitems: { nextLink: null, total: 7, synced: 7, done: true },
      })}::jsonb)`);

  await runMigrations(database);
});

afterAll(async () => {
  if (database && inject("dbTemplate").kind === "pglite") await database.close();
  await dropDatabase?.();
});

describe("migration 0007: states typed in the database", () => {
  it("keeps the rows written before it, whose states are all in the lists", async () => {
    expect(await rows(sql`select status, status_reason, credential_source from channels`)).toEqual([
      { status: "needs_reauth", status_reason: "grant_revoked", credential_source: "byoc" },
    ]);
    expect(await rows(sql`select mode, polling_reason from channel_sync_state`)).toEqual([
      { mode: "polling", polling_reason: "subscription_lapsed" },
    ]);
  });

  it("moves a running backfill's jsonb cursors into backfill_cursors, and drops the column", async () => {
    const cursors = await rows(sql`
      select folder, next_link, total, synced, done from backfill_cursors
      where backfill_id = ${ids.backfill} order by folder`);
    expect(cursors).toEqual([
      {
        folder: "inbox",
        next_link: "/me/mailFolders/inbox/messages?$skip=1000",
        total: 2500,
        synced: 1000,
        done: false,
      },
      { folder: "sentitems", next_link: null, total: 7, synced: 7, done: true },
    ]);
    const columns = await rows(sql`
      select column_name from information_schema.columns where table_name = 'backfills'`);
    expect(columns.map((c) => c.column_name)).not.toContain("cursors");
  });

  it("refuses a state outside the lists (check_violation), on every typed column tried", async () => {
    const { channel, backfill } = ids;
    const refused = "23514";
    expect(await errorCode(database.db.execute(sql`update channels set status = 'zombie'`))).toBe(refused);
    expect(await errorCode(database.db.execute(sql`update channels set status_reason = 'because'`))).toBe(
      refused,
    );
    expect(
      await errorCode(database.db.execute(sql`update channel_sync_state set mode = 'carrier pigeon'`)),
    ).toBe(refused);
    expect(await errorCode(database.db.execute(sql`update backfills set status = 'paused'`))).toBe(refused);
    expect(
      await errorCode(
        database.db.execute(
          sql`insert into backfill_cursors (backfill_id, folder) values (${backfill}, 'archive')`,
        ),
      ),
    ).toBe(refused);
    expect(
      await errorCode(
        database.db.execute(sql`insert into sync_errors (org_id, channel_id, kind, code, message)
          values (${ids.org}, ${channel}, 'gremlins', 'x', 'y')`),
      ),
    ).toBe(refused);
    // NULL is no state, and passes.
    expect(
      await errorCode(database.db.execute(sql`update channels set status_reason = null`)),
    ).toBeUndefined();
  });
});

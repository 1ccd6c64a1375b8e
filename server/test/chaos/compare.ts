import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Emulator } from "../../../emulator/src/index.ts";
import { emulatorFetch } from "../../../emulator/src/testing/emulator-fetch.ts";
import type { Db } from "../../src/db/client.ts";
import { conversations, messages } from "../../src/mail/schema.ts";
import { waitFor } from "../wait-for.ts";

/** The folders Mailroom follows (ADR 009). */
const FOLLOWED = ["inbox", "sentitems"] as const;

/** What "the store equals the mailbox" compares, per message. */
export interface MessageFacts {
  /** Immutable id. */
  graphId: string;
  folder: string;
  graphConversationId: string;
  isRead: boolean;
  subject: string;
}

export interface ConnectedMailbox {
  /** Graph user id (= emulator mailbox id). */
  mailboxId: string;
  upn: string;
  channelId: string;
}

const EmulatorMessages = z.object({
  value: z.array(
    z
      .object({
        id: z.string(),
        folder: z.string(),
        conversationId: z.string(),
        isRead: z.boolean(),
        subject: z.string(),
      })
      .loose(),
  ),
});

/** The mailbox's Inbox and Sent Items as the emulator holds them (its control API). */
export async function emulatorFacts(emulator: Emulator, mailboxId: string): Promise<MessageFacts[]> {
  const res = await emulatorFetch(emulator, `/_emulator/mailboxes/${encodeURIComponent(mailboxId)}/messages`);
  if (res.status !== 200) throw new Error(`emulator messages of ${mailboxId}: ${res.status}`);
  return EmulatorMessages.parse(await res.json())
    .value.filter((m) => (FOLLOWED as readonly string[]).includes(m.folder))
    .map((m) => ({
      graphId: m.id,
      folder: m.folder,
      graphConversationId: m.conversationId,
      isRead: m.isRead,
      subject: m.subject,
    }));
}

/** The channel's live (not removed) messages in our store. */
export async function storeFacts(db: Db, channelId: string): Promise<MessageFacts[]> {
  return db
    .select({
      graphId: messages.graphId,
      folder: messages.folder,
      graphConversationId: conversations.graphConversationId,
      isRead: messages.isRead,
      subject: messages.subject,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(sql`${messages.channelId} = ${channelId} and ${messages.removedAt} is null`);
}

export interface FactsDiff {
  missing: MessageFacts[];
  extra: MessageFacts[];
  changed: { expected: MessageFacts; actual: MessageFacts }[];
}

export function diffFacts(expected: MessageFacts[], actual: MessageFacts[]): FactsDiff {
  const have = new Map(actual.map((m) => [m.graphId, m]));
  const want = new Map(expected.map((m) => [m.graphId, m]));
  const diff: FactsDiff = { missing: [], extra: [], changed: [] };
  for (const m of expected) {
    const got = have.get(m.graphId);
    if (!got) diff.missing.push(m);
    else if (JSON.stringify(got) !== JSON.stringify({ ...got, ...m }))
      diff.changed.push({ expected: m, actual: got });
  }
  for (const m of actual) if (!want.has(m.graphId)) diff.extra.push(m);
  return diff;
}

export function isEmptyDiff(diff: FactsDiff): boolean {
  return diff.missing.length + diff.extra.length + diff.changed.length === 0;
}

const Count = z.object({ key: z.string(), n: z.coerce.number() });

/**
 * "Nothing doubled", beyond the unique indexes: no Graph message or conversation twice in a
 * channel, and every conversation's counters equal its live messages (they are recomputed, never
 * incremented, so a replayed page must not inflate them).
 */
export async function doubledRows(db: Db): Promise<string[]> {
  const problems: string[] = [];
  const dupMessages = await db.execute(
    sql`select channel_id || ' ' || graph_id as key, count(*) as n from messages group by channel_id, graph_id having count(*) > 1`,
  );
  for (const row of dupMessages.rows) {
    const { key, n } = Count.parse(row);
    problems.push(`message ${key} stored ${n} times`);
  }
  const dupThreads = await db.execute(
    sql`select channel_id || ' ' || graph_conversation_id as key, count(*) as n from conversations group by channel_id, graph_conversation_id having count(*) > 1`,
  );
  for (const row of dupThreads.rows) {
    const { key, n } = Count.parse(row);
    problems.push(`conversation ${key} stored ${n} times`);
  }
  const counters = await db.execute(sql`
    select c.id || ' (' || c.graph_conversation_id || ')' as key, c.message_count - count(m.id) as n
    from conversations c left join messages m on m.conversation_id = c.id and m.removed_at is null
    group by c.id having c.message_count <> count(m.id)`);
  for (const row of counters.rows) {
    const { key, n } = Count.parse(row);
    problems.push(`conversation ${key} message_count off by ${n}`);
  }
  return problems;
}

const Lease = z.object({ channel_id: z.string(), holder: z.string(), expires_in: z.coerce.number() });

/**
 * Sync leases still held, with seconds to expiry: after the app stops gracefully none should be
 * left, so one here belongs to a process that was killed mid-run (evidence for a stuck channel).
 */
export async function heldLeases(db: Db): Promise<string[]> {
  const rows = await db.execute(
    sql`select channel_id::text, holder, extract(epoch from expires_at - now()) as expires_in from sync_leases`,
  );
  return rows.rows.map((row) => {
    const lease = Lease.parse(row);
    return `channel ${lease.channel_id} leased by ${lease.holder}, expires in ${Math.round(lease.expires_in)} s`;
  });
}

const ActiveJob = z.object({ channel_id: z.string().nullable(), running_for: z.coerce.number() });

/**
 * `sync-channel` jobs pg-boss holds as active. Read after a graceful stop (PGlite) or at the
 * deadline (Postgres), one belonging to no live run is an orphan of a killed process: on a
 * `stately` queue it keeps that channel's next job from being fetched until pg-boss expires it.
 */
export async function activeSyncJobs(db: Db): Promise<string[]> {
  const rows = await db.execute(
    sql`select singleton_key as channel_id, extract(epoch from now() - started_on) as running_for
        from pgboss.job where name = 'sync-channel' and state = 'active'`,
  );
  return rows.rows.map((row) => {
    const job = ActiveJob.parse(row);
    return `channel ${job.channel_id} active for ${Math.round(job.running_for)} s`;
  });
}

/** A readable account of what differs, per mailbox, for the failure message. */
export function describeDiffs(
  diffs: { mailbox: ConnectedMailbox; diff: FactsDiff }[],
  /** Where the emulator holds a message now (for rows we have and it doesn't in a followed folder). */
  whereNow: (mailbox: ConnectedMailbox, graphId: string) => string = () => "?",
): string {
  const lines: string[] = [];
  for (const { mailbox, diff } of diffs) {
    if (isEmptyDiff(diff)) continue;
    lines.push(`${mailbox.upn} (channel ${mailbox.channelId}):`);
    for (const m of diff.missing) lines.push(`  lost    ${m.folder} ${m.graphId} "${m.subject}"`);
    for (const m of diff.extra)
      lines.push(
        `  extra   ${m.folder} ${m.graphId} "${m.subject}" (emulator: ${whereNow(mailbox, m.graphId)})`,
      );
    for (const c of diff.changed)
      lines.push(
        `  differs ${c.expected.graphId}: emulator ${JSON.stringify(c.expected)} store ${JSON.stringify(c.actual)}`,
      );
  }
  return lines.join("\n");
}

/**
 * True once Mailroom has read every followed folder of every mailbox to a delta link that covers
 * the mailbox's latest change: the emulator issued a `$deltatoken` whose sequence number is at
 * least the mailbox's (and, with `since`, issued after that moment). Only then can a store that differs be a sync bug rather than "not yet".
 */
export function deltaCaughtUp(
  emulator: Emulator,
  mailboxIds: string[],
  /** Emulator-clock ms: only rounds that ended after this count. */
  since = 0,
): { caughtUp: boolean; behind: string[] } {
  const behind: string[] = [];
  for (const mailboxId of mailboxIds) {
    const mailbox = emulator.store.mailbox(mailboxId);
    if (!mailbox) throw new Error(`no mailbox ${mailboxId}`);
    for (const folder of mailbox.folders.values()) {
      if (!folder.wellKnownName || !(FOLLOWED as readonly string[]).includes(folder.wellKnownName)) continue;
      let covered = false;
      for (const token of emulator.store.state.deltaTokens.values()) {
        if (
          token.kind === "delta" &&
          token.mailboxId === mailboxId &&
          token.folderId === folder.id &&
          token.seq >= mailbox.changeSeq &&
          token.createdAt >= since
        ) {
          covered = true;
          break;
        }
      }
      if (!covered) behind.push(`${mailbox.userPrincipalName}/${folder.wellKnownName}`);
    }
  }
  return { caughtUp: behind.length === 0, behind };
}

/** The emulator folder holding a message now, or that it is gone (deleted). */
export function emulatorLocation(emulator: Emulator, mailboxId: string, graphId: string): string {
  const mailbox = emulator.store.mailbox(mailboxId);
  for (const folder of mailbox?.folders.values() ?? []) {
    if (folder.messages.has(graphId)) return `now in ${folder.wellKnownName ?? folder.id}`;
  }
  return "deleted";
}

/**
 * Compares again until `equal` (or `timeoutMs`), then returns the last reading. For a store read
 * live on Postgres once Mailroom has read the mailboxes (`deltaCaughtUp`): the page is committed
 * right after Graph answered it, which on a loaded machine can trail the answer a little.
 */
export function settledComparison<V>(
  compare: () => Promise<V>,
  equal: (verdict: V) => boolean,
  timeoutMs: number,
): Promise<V> {
  return waitFor(
    async () => {
      const verdict = await compare();
      return equal(verdict) ? verdict : undefined;
    },
    { timeoutMs, intervalMs: 250, what: "the store to equal the emulator's mailboxes" },
  ).catch(() => compare());
}

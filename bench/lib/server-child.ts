/**
 * A benchmark's Mailroom process (see server-process.ts): the real server (web + worker, config
 * from its env) alone in a process started with `--expose-gc`, so its CPU and memory are its own,
 * driven over IPC by the bench, which holds the emulator (and its clock) and the measuring.
 *
 * Operations: `memory` (after full GCs), `seed` (channels connected the way the OAuth callback
 * connects them: the channel store, the default inbox link, then the sync module's connect hook),
 * `readiness`, `conversations` (our ids for Graph's), `step` (one slice of the app's periodic work
 * at the emulator's time), `pending`.
 */
import { count, isNotNull, sql } from "drizzle-orm";
import { upsertConnectedChannel } from "../../server/src/channels/channel-store.ts";
import { channels } from "../../server/src/channels/schema.ts";
import { loadConfig } from "../../server/src/config.ts";
import { linkToDefaultInbox } from "../../server/src/inbox/default-inbox.ts";
import { conversations, syncCursors } from "../../server/src/mail/schema.ts";
import type { TokenSet } from "../../server/src/microsoft/identity-client.ts";
import { startMailroom } from "../../server/src/start.ts";
import { channelSyncHooks } from "../../server/src/sync/channel-hooks.ts";
import { runSyncSweep } from "../../server/src/sync/delta/sweep.ts";
import {
  renewDueSubscriptions,
  retryWebhooks,
} from "../../server/src/sync/subscriptions/renew-subscriptions.ts";
import { subscriptions } from "../../server/src/sync/subscriptions/schema.ts";

export interface SeedMailbox {
  msTenantId: string;
  msUserId: string;
  email: string;
  name: string;
  tokens: TokenSet;
}

const config = loadConfig(process.env);
const mailroom = await startMailroom(config);
const { database, secretBox: box, events, queue, logger } = mailroom;
const db = database.db;
const syncDeps = { config, db, box, events, logger };
const hooks = channelSyncHooks({ config, logger, database, events, secretBox: box, queue });
const gc = (globalThis as { gc?: () => void }).gc;

const ops: Record<string, (args: never) => Promise<unknown>> = {
  /**
   * Memory after full GCs: the lowest of five readings a quarter second apart (RSS moves by tens of
   * megabytes as V8 and the allocator keep or return pages; the floor is what the process holds).
   */
  async memory() {
    if (!gc) throw new Error("start with --expose-gc");
    let lowest: NodeJS.MemoryUsage | undefined;
    for (let i = 0; i < 5; i++) {
      gc();
      gc();
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = process.memoryUsage();
      if (!lowest || now.rss < lowest.rss) lowest = now;
    }
    return lowest!;
  },

  async seed({ orgId, userId, mailboxes }: { orgId: string; userId: string; mailboxes: SeedMailbox[] }) {
    const clientId = config.microsoft.clientId!;
    for (let i = 0; i < mailboxes.length; i += 20) {
      await Promise.all(
        mailboxes.slice(i, i + 20).map(async (m) => {
          const { channel } = await upsertConnectedChannel(db, box, {
            orgId,
            userId,
            msTenantId: m.msTenantId,
            msUserId: m.msUserId,
            email: m.email,
            mailboxName: m.name,
            credentialSource: "platform",
            credentialsId: null,
            clientId,
            tokens: m.tokens,
          });
          await linkToDefaultInbox(db, orgId, channel.id);
          await hooks.connected(channel.id, { reconnected: false });
        }),
      );
    }
    return mailboxes.length;
  },

  async readiness() {
    const [c] = await db.select({ n: count() }).from(channels);
    const [s] = await db.select({ n: count() }).from(subscriptions);
    const [d] = await db.select({ n: count() }).from(syncCursors).where(isNotNull(syncCursors.deltaLink));
    return { channels: c!.n, subscriptions: s!.n, deltaLinks: d!.n };
  },

  async conversations() {
    return db.select({ id: conversations.id, graph: conversations.graphConversationId }).from(conversations);
  },

  /**
   * One slice of periodic work ending at the emulator's `nowMs`: the server's view of access-token
   * expiry (and of how long subscriptions stay authorized) moves with the emulator's clock (so tokens are refreshed when Entra would expire them,
   * not answered 401), then the sweep (starts not spread: the bench waits for the queue instead),
   * then the renewal job for each of its 5-minute runs in the slice.
   */
  async step({ nowMs, stepMs }: { nowMs: number; stepMs: number }) {
    await db
      .update(channels)
      .set({
        accessTokenExpiresAt: sql`${channels.accessTokenExpiresAt} - make_interval(secs => ${stepMs / 1000})`,
      })
      .where(isNotNull(channels.accessTokenExpiresAt));
    // Until when subscriptions are authorized is a token expiry in the server's view too.
    await db
      .update(subscriptions)
      .set({
        authorizedUntil: sql`${subscriptions.authorizedUntil} - make_interval(secs => ${stepMs / 1000})`,
      })
      .where(isNotNull(subscriptions.authorizedUntil));
    const sweep = await runSyncSweep({ config, db, queue, logger, random: () => 0 });
    const renewal = { renewed: 0, recreated: 0, failed: 0, webhooksRetried: 0 };
    for (let at = nowMs - stepMs + 5 * 60_000; at <= nowMs; at += 5 * 60_000) {
      const r = await renewDueSubscriptions(syncDeps, new Date(at));
      renewal.renewed += r.renewed;
      renewal.recreated += r.recreated;
      renewal.failed += r.failed;
      renewal.webhooksRetried += await retryWebhooks(syncDeps, new Date(at));
    }
    return { enqueued: sweep.enqueued, ...renewal };
  },

  /** Jobs waiting or running (pg-boss), by queue and state. */
  async pending() {
    const jobs = await db.execute(
      sql`select name, state, count(*)::int as n, max(start_after) as start_after from pgboss.job
          where state in ('created', 'retry', 'active') group by name, state`,
    );
    return jobs.rows as { name: string; state: string; n: number }[];
  },
};

process.on("message", async (message: { id: number; op: string; args: never }) => {
  try {
    const op = ops[message.op];
    if (!op) throw new Error(`unknown op ${message.op}`);
    process.send!({ id: message.id, result: await op(message.args) });
  } catch (err) {
    process.send!({ id: message.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
});
process.on("disconnect", () => {
  void mailroom.close().then(() => process.exit(0));
});
process.send!({ ready: { url: mailroom.url, kind: database.kind } });

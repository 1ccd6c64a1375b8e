import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { channelGraphClient } from "../src/channels/channel-graph.ts";
import { channels } from "../src/channels/schema.ts";
import { messages } from "../src/mail/schema.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { emulatorEnv, startTestEmulator } from "./emulator.ts";
import { freePort, startTestServer, TEST_SECRET_KEY, type TestServer } from "./harness.ts";
import { connectThroughMicrosoft, followCallback, registerApp } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Two worker processes on one Postgres syncing the same channels: the lease keeps one channel's
 * sync to one worker at a time, both make progress, and the per-mailbox 4-request limit holds
 * across processes. PGlite is one process's embedded database, so this runs on Postgres only
 * (DATABASE_URL=postgres://… npx vitest run server/test/sync-workers.test.ts).
 */
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ACCOUNTS = ["support@contoso.com", "alex@contoso.com"];

interface LeaseSpan {
  worker: number;
  channelId: string;
  holder: string;
  from: number;
  to: number;
}

interface Worker {
  process: ChildProcess;
  ready: boolean;
  /** Per holder (one run): when it took the lease and when its last round ended. */
  spans: Map<string, LeaseSpan>;
  synced: number;
}

const logLine = z
  .object({
    msg: z.string().optional(),
    time: z.number(),
    channelId: z.string().optional(),
    holder: z.string().optional(),
  })
  .loose();

function startWorker(index: number, env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: serverDir,
    env: { ...process.env, ...env, ROLE: "worker", LOG_LEVEL: "debug" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const worker: Worker = { process: child, ready: false, spans: new Map(), synced: 0 };
  let buffer = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    buffer += chunk;
    for (let newline = buffer.indexOf("\n"); newline !== -1; newline = buffer.indexOf("\n")) {
      const parsed = logLine.safeParse(JSON.parse(buffer.slice(0, newline)));
      buffer = buffer.slice(newline + 1);
      if (!parsed.success) continue;
      const line = parsed.data;
      if (line.msg === "workers started") worker.ready = true;
      if (line.msg === "channel synced") worker.synced++;
      if (!line.holder || !line.channelId) continue;
      if (line.msg === "sync lease taken")
        worker.spans.set(line.holder, {
          worker: index,
          channelId: line.channelId,
          holder: line.holder,
          from: line.time,
          to: Number.POSITIVE_INFINITY,
        });
      if (line.msg === "sync round ends") {
        const span = worker.spans.get(line.holder);
        if (span) span.to = line.time;
      }
    }
  });
  return worker;
}

describe.runIf(inject("dbTemplate").kind === "postgres")("two sync workers on one Postgres", () => {
  let emulator: Emulator;
  let server: TestServer;
  const workers: Worker[] = [];
  const channelIds: string[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const platform = await registerApp(emulator, {
      redirectUris: [`${publicUrl}/api/outlook/oauth2/callback`],
    });
    const appEnv = {
      ...emulatorEnv(emulator),
      PUBLIC_URL: publicUrl,
      MICROSOFT_CLIENT_ID: platform.clientId,
      MICROSOFT_CLIENT_SECRET: platform.secret,
    };
    // This process serves HTTP only; the two children do every job.
    server = await startTestServer({ ...appEnv, PORT: String(port), ROLE: "web" });
    const admin = await signUp(server, "owner@workers.test");
    await createOrg(admin, "Workers");
    for (const login of ACCOUNTS) {
      const { page } = await connectThroughMicrosoft(admin, emulator, {
        account: { login, password: "Passw0rd!" },
      });
      channelIds.push((await followCallback(admin, page)).split("/")[3]!);
    }
    const { config } = server.mailroom;
    const env = {
      ...appEnv,
      NODE_ENV: "test",
      DATABASE_URL: config.databaseUrl!,
      DATA_DIR: config.dataDir,
      MAILROOM_SECRET_KEY: TEST_SECRET_KEY,
    };
    workers.push(startWorker(0, env), startWorker(1, env));
    await waitFor(() => workers.every((w) => w.ready), { timeoutMs: 120_000, what: "both workers to start" });
  }, 120_000);

  afterAll(async () => {
    for (const w of workers) w.process.kill("SIGTERM");
    await Promise.all(
      workers.map(
        (w) => new Promise((r) => (w.process.exitCode !== null ? r(null) : w.process.once("exit", r))),
      ),
    );
    await server?.close();
    await emulator?.close();
  });

  async function deliver(mailbox: string, subject: string) {
    const res = await emulatorFetch(
      emulator,
      `/_emulator/mailboxes/${mailbox}/inbound`,
      jsonInit("POST", { from: "Dana Customer <dana@example.net>", subject, text: "Hello" }),
    );
    expect(res.status).toBe(201);
    return z.object({ id: z.string() }).parse(await res.json()).id;
  }

  async function isStored(channelId: string, graphId: string) {
    const rows = await server.database.db
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(eq(messages.channelId, channelId), eq(messages.graphId, graphId), isNull(messages.removedAt)),
      );
    return rows.length === 1;
  }

  it("syncs each channel on one worker at a time, both working, within 4 Graph requests per mailbox", {
    timeout: 180_000,
  }, async () => {
    const [support] = await server.database.db.select().from(channels).where(eq(channels.id, channelIds[0]!));
    const graph = channelGraphClient(
      {
        config: server.mailroom.config,
        db: server.database.db,
        box: server.mailroom.secretBox,
        events: server.mailroom.events,
      },
      support!,
    );
    await emulatorFetch(emulator, "/_emulator/counters/reset", jsonInit("POST", {}));
    // A third process's share of the same mailbox: slow requests that keep its slots busy while
    // the workers sync. Were the limit per process, the workers' requests would be a fifth in flight.
    await emulatorFetch(
      emulator,
      "/_emulator/faults/latency",
      jsonInit("POST", { ms: 150, pathPrefix: "/v1.0/me/mailFolders/drafts", mailbox: ACCOUNTS[0] }),
    );
    let loading = true;
    const load = (async () => {
      while (loading)
        await Promise.all(
          Array.from({ length: 6 }, () =>
            graph.request({ path: "/me/mailFolders/drafts?$select=id" }, z.object({ id: z.string() })),
          ),
        );
    })();

    const expected: [string, string][] = [];
    // Eight rounds, and more (up to 40) until both workers have run one: on a busy machine one
    // worker can win every job of a few rounds, and "both working" is what is being checked.
    const workersSeen = () =>
      new Set(workers.flatMap((w) => [...w.spans.values()]).map((s) => s.worker)).size;
    for (let round = 0; round < 8 || (workersSeen() < 2 && round < 40); round++) {
      for (const [i, mailbox] of ACCOUNTS.entries()) {
        const channelId = channelIds[i]!;
        expected.push([channelId, await deliver(mailbox, `Round ${round} for ${mailbox}`)]);
        // Several asks per channel at once: whoever loses the lease leaves a rerun note.
        for (let n = 0; n < 3; n++)
          await server.mailroom.queue.send("sync-channel", { channelId, reason: "manual" });
      }
      await waitFor(
        async () => (await Promise.all(expected.map(([c, g]) => isStored(c, g)))).every(Boolean),
        {
          timeoutMs: 60_000,
          what: `round ${round}'s mail stored`,
        },
      );
    }
    loading = false;
    await load;

    // Mutual exclusion: per channel, no two runs' lease spans overlap (logged under the lease).
    const spans = workers.flatMap((w) => [...w.spans.values()]).filter((s) => Number.isFinite(s.to));
    expect(new Set(spans.map((s) => s.worker)).size).toBe(2);
    for (const channelId of channelIds) {
      const mine = spans.filter((s) => s.channelId === channelId).sort((a, b) => a.from - b.from);
      for (let i = 1; i < mine.length; i++) expect(mine[i]!.from).toBeGreaterThanOrEqual(mine[i - 1]!.to);
    }
    for (const w of workers) expect(w.synced).toBeGreaterThan(0);

    // The limit: the emulator throttles a fifth concurrent request per app and mailbox with 429.
    const counters = z
      .object({
        endpoints: z.record(
          z.string(),
          z.object({ count: z.number(), byStatus: z.record(z.string(), z.number()) }),
        ),
      })
      .parse(await (await emulatorFetch(emulator, "/_emulator/counters")).json());
    const throttled = Object.entries(counters.endpoints).filter(([, c]) => (c.byStatus["429"] ?? 0) > 0);
    expect(throttled).toEqual([]);
  });
});

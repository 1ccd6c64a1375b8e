import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, count, eq, isNotNull } from "drizzle-orm";
import pg from "pg";
import { z } from "zod";
import { signIn } from "../../emulator/src/identity/sign-in-driver.ts";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../emulator/src/index.ts";
import { type EmulatorAddress, emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { loadConfig } from "../../server/src/config.ts";
import { type Database, openDatabase } from "../../server/src/db/client.ts";
import { createLogger } from "../../server/src/log.ts";
import { syncCursors } from "../../server/src/mail/schema.ts";
import { type Mailroom, startMailroom } from "../../server/src/start.ts";
import { subscriptions } from "../../server/src/sync/subscriptions/schema.ts";
import { freePort, TestClient } from "../../server/test/harness.ts";
import { waitFor } from "../../server/test/wait-for.ts";
import { type Backend, BENCH_TLS_DIR } from "./run.ts";

/** A fixed secret-box key for benchmark databases (thrown away with them). */
export const BENCH_SECRET_KEY = `bench:${Buffer.alloc(32, 9).toString("base64")}`;
export const BENCH_PASSWORD = "correct horse battery";

/** The emulator over HTTPS with the bench CA (see run.ts), in this process. */
export function startBenchEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ port: 0, dataDir: BENCH_TLS_DIR, persist: false, ...options });
}

export interface BenchDatabase {
  /** Env that points a Mailroom process at it. */
  env: Record<string, string>;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** An empty database (Mailroom migrates it on start): a new PGlite dir or a new Postgres database. */
export async function createBenchDatabase(backend: Backend): Promise<BenchDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-bench-"));
  if (backend === "pglite") {
    return {
      // Empty, not absent: a child process that inherits the bench's DATABASE_URL must not use it.
      env: { DATA_DIR: dataDir, DATABASE_URL: "", MAILROOM_SECRET_KEY: BENCH_SECRET_KEY },
      open: () => openDatabase({ databaseUrl: undefined, dataDir }),
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error("Postgres benchmarks need DATABASE_URL");
  const name = `mailroom_bench_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString(), MAILROOM_SECRET_KEY: BENCH_SECRET_KEY },
    open: () => openDatabase({ databaseUrl: url.toString(), dataDir }),
    drop: async () => {
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(databaseUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface BenchServer {
  url: string;
  mailroom: Mailroom;
  database: Database;
  close(): Promise<void>;
}

/**
 * The real Mailroom (web + worker in one process, as `npm start`) on a fresh database, talking to
 * the emulator as Microsoft with its own registered platform app and webhooks on.
 */
export async function startBenchServer(
  backend: Backend,
  emulator: EmulatorAddress,
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const benchDb = await createBenchDatabase(backend);
  const database = await benchDb.open();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const platform = await registerPlatformApp(emulator, url);
  const config = loadConfig({
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent",
    SHUTDOWN_GRACE_SECONDS: "2",
    MICROSOFT_LOGIN_URL: emulator.url,
    MICROSOFT_GRAPH_URL: emulator.url,
    MICROSOFT_CLIENT_ID: platform.clientId,
    MICROSOFT_CLIENT_SECRET: platform.secret,
    WEBHOOKS: "on",
    ...benchDb.env,
    ...env,
  });
  const mailroom = await startMailroom(config, { database, logger: createLogger(config) });
  return {
    url,
    mailroom,
    database,
    async close() {
      await mailroom.close();
      await database.close();
      await benchDb.drop();
    },
  };
}

const appBody = z.object({ clientId: z.string(), secret: z.object({ value: z.string() }) });

/** Registers Mailroom's platform app in the emulator, redirecting to this server. */
export async function registerPlatformApp(emulator: EmulatorAddress, publicUrl: string) {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/apps",
    jsonInit("POST", {
      displayName: "Mailroom bench",
      redirectUris: [`${publicUrl}/api/outlook/oauth2/callback`],
      signInAudience: "AzureADandPersonalMicrosoftAccount",
    }),
  );
  if (res.status !== 201) throw new Error(`register app: ${res.status} ${await res.text()}`);
  const body = appBody.parse(await res.json());
  return { clientId: body.clientId, secret: body.secret.value };
}

/** A signed-up owner with an organisation; returns their browser. */
export async function ownerWithOrg(url: string, email = "owner@bench.test"): Promise<TestClient> {
  const client = new TestClient(url);
  const signUp = await client.post("/api/auth/sign-up/email", {
    name: "Owner",
    email,
    password: BENCH_PASSWORD,
  });
  if (signUp.status !== 200) throw new Error(`sign-up: ${signUp.status} ${JSON.stringify(signUp.body)}`);
  const org = await client.post("/api/orgs", { name: "Bench" });
  if (org.status !== 201) throw new Error(`org: ${org.status} ${JSON.stringify(org.body)}`);
  return client;
}

/** `count` new mailboxes in contoso.com through the emulator's control API; returns their UPNs. */
export async function createMailboxes(
  emulator: EmulatorAddress,
  count: number,
  prefix = "bench",
): Promise<string[]> {
  const upns: string[] = [];
  for (let i = 0; i < count; i++) {
    const upn = `${prefix}-${i}@contoso.com`;
    const res = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes",
      jsonInit("POST", { tenant: "contoso.com", userPrincipalName: upn, displayName: `Bench ${i}` }),
    );
    if (res.status !== 201) throw new Error(`mailbox ${upn}: ${res.status} ${await res.text()}`);
    upns.push(upn);
  }
  return upns;
}

/** Connect Outlook as a person would: our connect endpoint, Microsoft's sign-in and consent, our callback. */
export async function connectMailbox(
  client: TestClient,
  emulator: EmulatorAddress,
  login: string,
): Promise<string> {
  const res = await client.post<{ authorizeUrl: string }>("/api/outlook/connect", { returnTo: "channels" });
  if (res.status !== 200) throw new Error(`connect: ${res.status} ${JSON.stringify(res.body)}`);
  const page = await signIn(emulator, res.body.authorizeUrl, {
    login,
    password: "Passw0rd!",
    consent: "accept",
  });
  if (!page.location) throw new Error(`Microsoft did not redirect (${page.status})`);
  const callback = new URL(page.location);
  const back = await client.get(`${callback.pathname}${callback.search}`);
  const location = back.headers.get("location") ?? "";
  const channelId = /[0-9a-f-]{36}/.exec(location)?.[0];
  if (back.status !== 302 || !channelId) throw new Error(`callback: ${back.status} → ${location}`);
  return channelId;
}

/**
 * Waits until the channel has its Graph subscriptions and a delta link per followed folder. If
 * connecting did not start them (older wiring), starts them through the same jobs the app uses.
 */
export async function awaitChannelReady(server: BenchServer, channelId: string): Promise<void> {
  const { db } = server.database;
  const subscribed = async () =>
    (await db.select({ n: count() }).from(subscriptions).where(eq(subscriptions.channelId, channelId)))[0]!
      .n >= 2;
  const synced = async () =>
    (
      await db
        .select({ n: count() })
        .from(syncCursors)
        .where(and(eq(syncCursors.channelId, channelId), isNotNull(syncCursors.deltaLink)))
    )[0]!.n >= 2;
  const settle = async (done: () => Promise<boolean>, start: () => Promise<unknown>, what: string) => {
    if (await waitFor(done, { timeoutMs: 3_000, what }).catch(() => false)) return;
    await start();
    await waitFor(done, { timeoutMs: 120_000, what });
  };
  const { queue } = server.mailroom;
  await settle(
    subscribed,
    () => queue.send("subscription-upkeep", { action: "subscribe", channelId }),
    "subscriptions",
  );
  await settle(
    synced,
    () => queue.send("sync-channel", { channelId }, { singletonKey: channelId }),
    "initial sync",
  );
}

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { loadConfig } from "../src/config.ts";
import type { LiveEvent } from "../src/events/bus.ts";
import { createLogger } from "../src/log.ts";
import { MAX_EVENT_CONVERSATIONS, publishConversationsChanged } from "../src/mail/conversations-changed.ts";
import { type Mailroom, startMailroom } from "../src/start.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { freePort, startTestServer, type TestClient, type TestServer } from "./harness.ts";
import { listenToEvents } from "./sse.ts";
import { startTcpProxy } from "./tcp-proxy.ts";
import { waitFor } from "./wait-for.ts";

let server: TestServer;
let alice: TestClient;
let bob: TestClient;
let aliceOrg: string;

beforeAll(async () => {
  server = await startTestServer();
  alice = await signUp(server, "alice@live.test");
  aliceOrg = (await createOrg(alice, "Alice Co")).id;
  bob = await signUp(server, "bob@live.test");
  await createOrg(bob, "Bob Co");
});

afterAll(async () => {
  await server?.close();
});

describe("live events (SSE)", () => {
  it("refuses a logged-out browser", async () => {
    const res = await fetch(`${server.url}/api/events`);
    expect(res.status).toBe(401);
  });

  it("delivers an org's events to its members only", async () => {
    const a = await listenToEvents(alice);
    const b = await listenToEvents(bob);
    await waitFor(
      () => a.events.some((e) => e.type === "ready") && b.events.some((e) => e.type === "ready"),
      { what: "both streams" },
    );
    await server.mailroom.events.publish(aliceOrg, { type: "channels.updated", data: { channelId: "c1" } });
    await waitFor(() => a.events.some((e) => e.type === "channels.updated"), { what: "Alice's event" });
    expect(a.events.find((e) => e.type === "channels.updated")?.data).toEqual({ channelId: "c1" });
    // Bob's stream got its own ready event and nothing of Alice's org.
    await server.mailroom.events.publish(aliceOrg, { type: "members.updated", data: {} });
    await waitFor(() => a.events.some((e) => e.type === "members.updated"), { what: "the second event" });
    expect(b.events.map((e) => e.type)).toEqual(["ready"]);
    a.close();
    b.close();
  });

  it("names as many changed conversations as fit in one NOTIFY, and says refetch above that", async () => {
    const received: LiveEvent[] = [];
    const stop = server.mailroom.events.subscribe(aliceOrg, (event) => received.push(event));
    try {
      const channelId = randomUUID();
      const ids = Array.from({ length: MAX_EVENT_CONVERSATIONS + 1 }, () => randomUUID());
      // At the limit the event names every one (a bulk action's flush publishes this many at once).
      await publishConversationsChanged(server.mailroom.events, { orgId: aliceOrg, channelId }, ids.slice(1));
      await publishConversationsChanged(server.mailroom.events, { orgId: aliceOrg, channelId }, ids);
      await waitFor(() => received.length === 2, { what: "both events" });
      expect(received).toEqual([
        { type: "conversations.updated", data: { channelId, conversationIds: ids.slice(1) } },
        { type: "conversations.updated", data: { channelId, conversationIds: null } },
      ]);
    } finally {
      stop();
    }
  });

  // Embedded mode is one process by design; on Postgres a second web process must get the events.
  it.runIf(inject("dbTemplate").kind === "postgres")(
    "reaches browsers connected to another web process (NOTIFY fan-out)",
    async () => {
      const port = await freePort();
      const config = loadConfig({
        ...(server.mailroom.config.databaseUrl && { DATABASE_URL: server.mailroom.config.databaseUrl }),
        MAILROOM_SECRET_KEY: server.mailroom.config.secretKey!,
        DATA_DIR: server.mailroom.config.dataDir,
        PORT: String(port),
        HOST: "127.0.0.1",
        PUBLIC_URL: server.url,
        ROLE: "web",
        LOG_LEVEL: "silent",
      });
      const second: Mailroom = await startMailroom(config, { logger: createLogger(config) });
      try {
        const stream = await listenToEvents(alice, `http://127.0.0.1:${port}`);
        await waitFor(() => stream.events.some((e) => e.type === "ready"), {
          what: "the stream on the second process",
        });
        await server.mailroom.events.publish(aliceOrg, { type: "inboxes.updated", data: {} });
        await waitFor(() => stream.events.some((e) => e.type === "inboxes.updated"), {
          what: "the event across processes",
        });
        stream.close();
      } finally {
        await second.close();
      }
    },
  );
});

describe.skipIf(inject("dbTemplate").kind === "pglite")(
  "live events when Postgres drops the LISTEN connection (Postgres only: embedded PGlite listens in-process, there is no connection to lose)",
  () => {
    it("retries until Postgres takes connections again, then resumes and tells open streams to resync", {
      timeout: 180_000,
    }, async () => {
      // A second web process whose every Postgres connection goes through a proxy this test controls.
      const direct = new URL(server.mailroom.config.databaseUrl!);
      const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
      const viaProxy = new URL(direct);
      viaProxy.hostname = "127.0.0.1";
      viaProxy.port = String(proxy.port);
      const port = await freePort();
      const config = loadConfig({
        DATABASE_URL: viaProxy.toString(),
        MAILROOM_SECRET_KEY: server.mailroom.config.secretKey!,
        DATA_DIR: server.mailroom.config.dataDir,
        PORT: String(port),
        HOST: "127.0.0.1",
        PUBLIC_URL: server.url,
        ROLE: "web",
        LOG_LEVEL: "silent",
      });
      const second: Mailroom = await startMailroom(config, { logger: createLogger(config) });
      try {
        const stream = await listenToEvents(alice, `http://127.0.0.1:${port}`);
        await waitFor(() => stream.events.some((e) => e.type === "ready"), { what: "the stream" });

        // Postgres ends the second process's LISTEN session, and refuses its reconnects for a while.
        const listener = await waitFor(() => listenBackendVia(proxy.upstreamPorts()), {
          timeoutMs: 60_000,
          what: "the second process's LISTEN session",
        });
        proxy.refuseNew(true);
        await server.database.db.execute(sql`select pg_terminate_backend(${listener})`);
        const busAttempts = () => proxy.refused().filter((name) => name === "mailroom-live-events").length;
        await waitFor(() => busAttempts() >= 2, {
          timeoutMs: 90_000,
          what: "two reconnect attempts of the live-event connection to be refused",
        });
        // Published while that process cannot listen: its streams never get it, hence the resync.
        await server.mailroom.events.publish(aliceOrg, {
          type: "channels.updated",
          data: { channelId: "sent-in-the-gap" },
        });
        proxy.refuseNew(false);

        await waitFor(() => stream.events.some((e) => e.type === "resync"), {
          timeoutMs: 90_000,
          what: "the stream to be told to resync",
        });
        expect(stream.events.find((e) => e.type === "resync")?.data).toEqual({});
        expect(stream.events.some((e) => e.data.channelId === "sent-in-the-gap")).toBe(false);
        await server.mailroom.events.publish(aliceOrg, {
          type: "sync.health",
          data: { channelId: "sent-after" },
        });
        await waitFor(() => stream.events.some((e) => e.data.channelId === "sent-after"), {
          timeoutMs: 60_000,
          what: "an event published after the gap",
        });
        expect(stream.ended()).toBe(false);
        stream.close();
      } finally {
        await second.close();
        await proxy.close();
      }
    });
  },
);

/** The backend LISTENing for live events over one of these client ports (the proxy's side), if any. */
async function listenBackendVia(clientPorts: number[]): Promise<number | undefined> {
  const rows = await server.database.db.execute(
    sql`select pid, client_port from pg_stat_activity where query = 'LISTEN mailroom_events'`,
  );
  const sessions = z
    .array(z.object({ pid: z.number(), client_port: z.number().nullable() }))
    .parse(rows.rows);
  return sessions.find((s) => s.client_port !== null && clientPorts.includes(s.client_port))?.pid;
}

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { type Mailroom, startMailroom } from "../src/start.ts";
import { createOrg, signUp } from "./accounts-helpers.ts";
import { freePort, startTestServer, type TestClient, type TestServer } from "./harness.ts";
import { listenToEvents } from "./sse.ts";
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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuth } from "../src/accounts/auth.ts";
import { loadConfig } from "../src/config.ts";
import { createSecretBox, loadSecretKeys } from "../src/crypto/secret-box.ts";
import type { Database } from "../src/db/client.ts";
import { createPgEventBus } from "../src/events/pg-bus.ts";
import { createHttpApp } from "../src/http/app.ts";
import { createJobQueue } from "../src/jobs/queue.ts";
import { createLogger } from "../src/log.ts";
import { createTestDatabase, type TestDatabase } from "./harness.ts";
import { waitFor } from "./wait-for.ts";

let testDb: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await testDb.open();
});

afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

describe("graceful shutdown", () => {
  it("finishes an in-flight request before the HTTP server closes", async () => {
    const config = loadConfig({ ...testDb.env, LOG_LEVEL: "silent", PORT: "0", HOST: "127.0.0.1" });
    const logger = createLogger(config);
    const events = await createPgEventBus(database, logger);
    const secretBox = createSecretBox(
      loadSecretKeys({ secretKey: config.secretKey, dataDir: config.dataDir }),
    );
    const app = await createHttpApp({
      config,
      logger,
      database,
      auth: createAuth({ config, database, logger }),
      events,
      secretBox,
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered = false;
    app.get("/slow", async () => {
      entered = true;
      await gate;
      return { finished: true };
    });
    const url = await app.listen({ port: 0, host: "127.0.0.1" });

    const inFlight = fetch(`${url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
    await waitFor(() => entered, { what: "the slow request to start" });
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    expect(closed).toBe(false); // still waiting for the request
    release();
    const answered = await inFlight;
    expect(answered).toEqual({ status: 200, body: { finished: true } });
    await closing;
    expect(closed).toBe(true);
    await events.close();
  });

  it("lets a running job finish when the queue stops", async () => {
    const logger = createLogger({ logLevel: "silent" });
    let finished = false;
    let started = false;
    const queue = await createJobQueue(database, logger, []);
    await queue.boss.createQueue("slow-test-job");
    await queue.work([
      {
        name: "slow-test-job",
        handler: async () => {
          started = true;
          await new Promise((r) => setTimeout(r, 300));
          finished = true;
        },
      },
    ]);
    await queue.send("slow-test-job", {});
    await waitFor(() => started, { timeoutMs: 60_000, what: "the job to start" });
    await queue.stop(10);
    expect(finished).toBe(true);
  });
});

import { afterEach, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { type Mailroom, startMailroom } from "../src/start.ts";
import { createTestDatabase, type TestDatabase } from "./harness.ts";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
import { waitFor } from "./wait-for.ts";

const onPostgres = inject("dbTemplate").kind === "postgres";

/** A ROLE=worker process in this one (no web port), its own database connections, HEALTH_PORT=0. */
async function startWorker(testDb: TestDatabase, databaseUrl?: string): Promise<Mailroom> {
  const config = loadConfig({
    NODE_ENV: "test",
    ROLE: "worker",
    HOST: "127.0.0.1",
    HEALTH_PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SHUTDOWN_GRACE_SECONDS: "2",
    ...testDb.env,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  return startMailroom(config, { logger: createLogger(config) });
}

async function getHealth(url: string) {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("HEALTH_PORT on a worker", () => {
  let testDb: TestDatabase | undefined;
  let worker: Mailroom | undefined;
  let proxy: TcpProxy | undefined;

  afterEach(async () => {
    await worker?.close();
    await proxy?.close();
    await testDb?.drop();
    worker = proxy = testDb = undefined;
  });

  it("answers GET /healthz with 200 while the database and queue are up, and nothing else", async () => {
    testDb = await createTestDatabase();
    worker = await startWorker(testDb);
    expect(worker.app).toBeUndefined();
    expect(worker.healthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const health = await getHealth(worker.healthUrl!);
    expect(health).toEqual({
      status: 200,
      body: { status: "ok", role: "worker", database: "up", queue: "up" },
    });
    expect((await fetch(`${worker.healthUrl}/api/me`)).status).toBe(404);
    expect((await fetch(`${worker.healthUrl}/healthz`, { method: "POST" })).status).toBe(404);
  });

  it("stops answering once the worker has shut down", async () => {
    testDb = await createTestDatabase();
    worker = await startWorker(testDb);
    const url = worker.healthUrl!;
    expect((await getHealth(url)).status).toBe(200);
    await worker.close();
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it.runIf(onPostgres)("answers 503 when Postgres can't be reached", async () => {
    testDb = await createTestDatabase();
    const direct = new URL(testDb.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port) });
    const viaProxy = new URL(direct);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    worker = await startWorker(testDb, viaProxy.toString());
    expect((await getHealth(worker.healthUrl!)).status).toBe(200);

    // Closing the proxy cuts every open connection and refuses new ones: the database is gone.
    await proxy.close();
    const down = await waitFor(
      async () => {
        const health = await getHealth(worker!.healthUrl!);
        return health.status === 503 ? health : undefined;
      },
      { what: "/healthz to report the database down" },
    );
    expect(down.body).toMatchObject({ status: "unavailable", database: "down", queue: "down" });
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { type Mailroom, startMailroom } from "../src/start.ts";
import { PASSWORD, type Problem, signUp } from "./accounts-helpers.ts";
import { freePort, startTestServer, TestClient, type TestServer } from "./harness.ts";

/**
 * The login rate limit counts failed sign-ins only (README: LOGIN_RATE_LIMIT "failed sign-ins
 * allowed per window"): someone who signs in often and then mistypes a few times is not locked
 * out, while a guesser still is — and neither a success nor another process lifts the lock.
 */
const LIMIT = 3;
const WINDOW_SECONDS = 60;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    LOGIN_RATE_LIMIT: String(LIMIT),
    LOGIN_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
  });
  await signUp(server, "regular@limit.test");
});
afterAll(async () => {
  await server?.close();
});

const signIn = (client: TestClient, password: string) =>
  client.post<Problem>("/api/auth/sign-in/email", { email: "regular@limit.test", password });

function expectLocked(res: { status: number; headers: Headers; body: Problem }) {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body.code).toBe("rate_limited");
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
}

describe("login rate limiting", () => {
  it("counts failures only: successes don't use up the limit, and a success doesn't lift a lock", async () => {
    for (let i = 0; i < LIMIT; i++) expect((await signIn(server.client(), PASSWORD)).status).toBe(200);
    for (let i = 0; i < LIMIT - 1; i++)
      expect((await signIn(server.client(), "a typo here")).status).toBe(401);
    // The last failure the window allows is still answered; from then on every attempt is refused.
    expect((await signIn(server.client(), "a typo here")).status).toBe(401);
    expectLocked(await signIn(server.client(), "a typo here"));
    expectLocked(await signIn(server.client(), PASSWORD));
  });

  it("lets no more than the limit of parallel wrong guesses through", async () => {
    const fresh = await startTestServer({ LOGIN_RATE_LIMIT: String(LIMIT) });
    try {
      await signUp(fresh, "regular@limit.test");
      const answers = await Promise.all(
        Array.from({ length: LIMIT * 3 }, () => signIn(fresh.client(), "guess guess guess")),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([...Array(LIMIT).fill(401), ...Array(LIMIT * 2).fill(429)]);
    } finally {
      await fresh.close();
    }
  });

  // Embedded mode is one process; on Postgres a second web process must see the same lock.
  it.runIf(inject("dbTemplate").kind === "postgres")(
    "holds the lock on every process sharing the database",
    async () => {
      const port = await freePort();
      const { config } = server.mailroom;
      const second: Mailroom = await startMailroom(
        loadConfig({
          DATABASE_URL: config.databaseUrl!,
          MAILROOM_SECRET_KEY: config.secretKey!,
          DATA_DIR: config.dataDir,
          PORT: String(port),
          HOST: "127.0.0.1",
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          ROLE: "web",
          LOG_LEVEL: "silent",
          LOGIN_RATE_LIMIT: String(LIMIT),
          LOGIN_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
        }),
        { logger: createLogger({ logLevel: "silent" }) },
      );
      try {
        // The lock the test above left on this client address, seen from the other process.
        expectLocked(await signIn(new TestClient(`http://127.0.0.1:${port}`), PASSWORD));
      } finally {
        await second.close();
      }
    },
  );
});

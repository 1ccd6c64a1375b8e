import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";
import { createJobQueue } from "../src/jobs/queue.ts";
import { createLogger } from "../src/log.ts";
import { createTestDatabase, type TestDatabase } from "./harness.ts";

const logger = createLogger({ logLevel: "silent" });
const handler = async () => {};

describe("job queue policies", () => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await testDb.open();
    await runMigrations(database);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it("keeps one waiting job per singletonKey on a stately queue, and recreates a queue made with another policy", async () => {
    // An older release created the queue with the default policy: singleton keys don't dedupe there.
    const before = await createJobQueue(database, logger, [{ name: "hint", handler }]);
    expect(await before.send("hint", { n: 1 }, { singletonKey: "a" })).toBeTruthy();
    expect(await before.send("hint", { n: 2 }, { singletonKey: "a" })).toBeTruthy();
    await before.stop(0);

    const queue = await createJobQueue(database, logger, [
      { name: "hint", policy: "stately", heartbeatSeconds: 10, handler },
    ]);
    try {
      expect(await queue.boss.getQueue("hint")).toMatchObject({ policy: "stately", heartbeatSeconds: 10 });
      expect(await queue.send("hint", { n: 3 }, { singletonKey: "a" })).toBeTruthy();
      expect(await queue.send("hint", { n: 4 }, { singletonKey: "a" })).toBeNull();
      expect(await queue.send("hint", { n: 5 }, { singletonKey: "b" })).toBeTruthy();
      const waiting = await queue.boss.findJobs("hint", {});
      expect(waiting.map((j) => (j.data as { n: number }).n).sort()).toEqual([3, 5]);
    } finally {
      await queue.stop(0);
    }
  });
});

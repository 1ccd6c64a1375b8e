import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/harness.ts";
import type { Database } from "../db/client.ts";
import { accountJobs, purgeExpiredAuthRecords } from "./jobs.ts";
import { invitation, organization, rateLimit, session, user, verification } from "./schema.ts";

const now = new Date();
const ago = (ms: number) => new Date(now.getTime() - ms);
const DAY = 24 * 60 * 60 * 1000;

let testDb: TestDatabase;
let database: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = await testDb.open();
  const { db } = database;
  await db.insert(user).values({ id: "u1", name: "U", email: "u@jobs.test" });
  await db.insert(organization).values({ id: "o1", name: "O", slug: "o", createdAt: ago(90 * DAY) });
  await db.insert(session).values([
    { id: "s-expired", token: "t1", userId: "u1", expiresAt: ago(1000), updatedAt: ago(DAY) },
    { id: "s-live", token: "t2", userId: "u1", expiresAt: ago(-DAY), updatedAt: ago(DAY) },
  ]);
  await db.insert(verification).values([
    { id: "v-expired", identifier: "i", value: "v", expiresAt: ago(1000) },
    { id: "v-live", identifier: "i", value: "v", expiresAt: ago(-DAY) },
  ]);
  await db.insert(rateLimit).values([
    { id: "r-stale", key: "ip|/sign-in/email", count: 3, lastRequest: ago(2 * DAY).getTime() },
    { id: "r-fresh", key: "ip|/sign-up/email", count: 1, lastRequest: ago(1000).getTime() },
  ]);
  const invite = (id: string, expiresAt: Date) => ({
    id,
    organizationId: "o1",
    email: "x@jobs.test",
    inviterId: "u1",
    expiresAt,
  });
  await db
    .insert(invitation)
    .values([
      invite("i-long-expired", ago(31 * DAY)),
      invite("i-just-expired", ago(DAY)),
      invite("i-open", ago(-DAY)),
    ]);
});

afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

describe("purge-expired-auth-records", () => {
  it("is scheduled hourly", () => {
    const [job] = accountJobs({ database, logger: pino({ level: "silent" }) });
    expect(job).toMatchObject({ name: "purge-expired-auth-records", schedule: "17 * * * *" });
  });

  it("deletes what has expired and keeps the rest", async () => {
    const deleted = await purgeExpiredAuthRecords(database, now);
    expect(deleted).toEqual({ sessions: 1, verifications: 1, rateLimits: 1, invitations: 1 });
    const { db } = database;
    expect((await db.select({ id: session.id }).from(session)).map((r) => r.id)).toEqual(["s-live"]);
    expect((await db.select({ id: verification.id }).from(verification)).map((r) => r.id)).toEqual([
      "v-live",
    ]);
    expect((await db.select({ id: rateLimit.id }).from(rateLimit)).map((r) => r.id)).toEqual(["r-fresh"]);
    const invitations = (await db.select({ id: invitation.id }).from(invitation)).map((r) => r.id).sort();
    expect(invitations).toEqual(["i-just-expired", "i-open"]);
  });

  it("logs what it deleted", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    await database.db
      .insert(session)
      .values({ id: "s-expired-2", token: "t3", userId: "u1", expiresAt: ago(DAY), updatedAt: ago(DAY) });
    const [job] = accountJobs({ database, logger: pino({ level: "info" }, sink) });
    await job!.handler({}, { jobId: "j1" });
    const logged = JSON.parse(lines.at(-1)!) as { level: number; deleted: Record<string, number> };
    expect(logged.level).toBe(30);
    expect(logged.deleted).toEqual({ sessions: 1, verifications: 0, rateLimits: 0, invitations: 0 });
  });
});

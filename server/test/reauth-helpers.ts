import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { z } from "zod";
import { signIn } from "../../emulator/src/identity/sign-in-driver.ts";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { channelAudit, channels } from "../src/channels/schema.ts";
import type { Db } from "../src/db/client.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { followCallback, SUPPORT } from "./outlook-helpers.ts";

/** Every request Mailroom made to Microsoft (identity and Graph) since the counters were reset. */
export async function microsoftCalls(emulator: Emulator): Promise<Record<string, number>> {
  const res = await emulatorFetch(emulator, "/_emulator/counters");
  const { endpoints } = z
    .object({ endpoints: z.record(z.string(), z.object({ count: z.number() })) })
    .parse(await res.json());
  return Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, v.count]));
}

export async function resetCounters(emulator: Emulator): Promise<void> {
  expect((await emulatorFetch(emulator, "/_emulator/counters/reset", jsonInit("POST", {}))).status).toBe(204);
}

export async function channelRow(db: Db, channelId: string) {
  const [row] = await db.select().from(channels).where(eq(channels.id, channelId));
  return row!;
}

export async function auditOf(db: Db, channelId: string) {
  const rows = await db.select().from(channelAudit).where(eq(channelAudit.channelId, channelId));
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** POST /api/channels/:id/reconnect, Microsoft's sign-in as `account`, then the callback: where we land. */
export async function reconnectThroughMicrosoft(
  client: TestClient,
  emulator: Emulator,
  channelId: string,
  account: { login: string; password: string } = SUPPORT,
  returnTo: "channels" | "credentials" = "channels",
  consent: "accept" | "cancel" = "accept",
): Promise<{ authorizeUrl: string; location: string }> {
  const res = await client.post<{ authorizeUrl: string }>(`/api/channels/${channelId}/reconnect`, {
    returnTo,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const page = await signIn(emulator, res.body.authorizeUrl, { ...account, consent });
  return { authorizeUrl: res.body.authorizeUrl, location: await followCallback(client, page) };
}

/** The sync jobs' dependencies, from the running server. */
export function jobDeps(server: TestServer) {
  const { mailroom } = server;
  return {
    config: mailroom.config,
    db: server.database.db,
    box: mailroom.secretBox,
    events: mailroom.events,
    queue: () => mailroom.queue,
  };
}

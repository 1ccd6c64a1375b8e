import type { ComposeContext, CreateOutboxBody, OutboxItem } from "@mailroom/contract";
import { and, count, eq, sql } from "drizzle-orm";
import { expect } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import type { Db } from "../src/db/client.ts";
import { messages } from "../src/mail/schema.ts";
import { findOutbox, type OutboxRow } from "../src/outbox/outbox-store.ts";
import type { OutboxState } from "../src/outbox/schema.ts";
import type { TestClient } from "./harness.ts";
import { type ConnectedMailbox, startConnectedMailbox, syncAtRest } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

/** What the emulator's control API shows of a stored message (the fields the tests compare). */
export const emulatorMessage = z.object({
  id: z.string(),
  folder: z.string(),
  subject: z.string(),
  conversationId: z.string(),
  internetMessageId: z.string(),
  isDraft: z.boolean(),
  from: z.object({ emailAddress: z.object({ address: z.string() }) }).nullable(),
  toRecipients: z.array(z.object({ emailAddress: z.object({ address: z.string() }) })),
  ccRecipients: z.array(z.object({ emailAddress: z.object({ address: z.string() }) })),
  body: z.object({ content: z.string() }),
  internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })),
  attachments: z.array(z.object({ name: z.string(), size: z.number() }).loose()).default([]),
});
export type EmulatorMessage = z.infer<typeof emulatorMessage>;

export function header(message: EmulatorMessage, name: string): string | undefined {
  return message.internetMessageHeaders.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** A mailbox's messages as the emulator stores them (optionally one folder). */
export async function mailboxMessages(emulator: Emulator, mailbox: string, folder?: string) {
  const query = folder ? `?folder=${folder}` : "";
  const res = await emulatorFetch(emulator, `/_emulator/mailboxes/${mailbox}/messages${query}`);
  expect(res.status).toBe(200);
  return z.object({ value: z.array(emulatorMessage) }).parse(await res.json()).value;
}

/** The messages in `mailbox` carrying the outbox header of `outboxId`. */
export async function withOutboxHeader(
  emulator: Emulator,
  mailbox: string,
  outboxId: string,
  folder?: string,
) {
  const all = await mailboxMessages(emulator, mailbox, folder);
  return all.filter((m) => header(m, "x-mailroom-outbox-id") === outboxId);
}

export async function compose(client: TestClient, conversationId: string): Promise<ComposeContext> {
  const res = await client.get<ComposeContext>(`/api/conversations/${conversationId}/compose`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export async function send(client: TestClient, body: CreateOutboxBody): Promise<OutboxItem> {
  const res = await client.post<{ outbox: OutboxItem }>("/api/outbox", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.outbox;
}

/** Waits until the outbox row is in one of `states` (and fails fast when it failed instead). */
export async function waitForOutbox(db: Db, id: string, states: OutboxState[], timeoutMs = 60_000) {
  return waitFor(
    async (): Promise<OutboxRow | undefined> => {
      const row = await findOutbox(db, id);
      if (row?.state === "failed" && !states.includes("failed"))
        throw new Error(`outbox ${id} failed: ${row.failureCode} ${row.failureMessage}`);
      return row && states.includes(row.state) ? row : undefined;
    },
    { what: `outbox ${id} to reach ${states.join("/")}`, timeoutMs, intervalMs: 100 },
  );
}

/** How many stored messages of the channel have this Graph id (the Sent Items copy shows once). */
export async function storedCopies(db: Db, channelId: string, graphId: string) {
  const [row] = await db
    .select({ n: count() })
    .from(messages)
    .where(and(eq(messages.channelId, channelId), eq(messages.graphId, graphId)));
  return row!.n;
}

export async function setChannel(client: TestClient, channelId: string, settings: Record<string, unknown>) {
  const res = await client.patch(`/api/channels/${channelId}`, settings);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

export async function emulatorControl(emulator: Emulator, path: string, method: string, body: unknown) {
  const res = await emulatorFetch(emulator, path, jsonInit(method, body));
  expect(res.status, `${method} ${path}`).toBeLessThan(300);
  return res;
}

/** The conversation (ours) with this subject, from the member's list. */
export async function conversationBySubject(client: TestClient, subject: string): Promise<string> {
  const res = await client.get<{ conversations: { id: string; subject: string }[] }>(
    "/api/conversations?limit=100",
  );
  expect(res.status).toBe(200);
  const found = res.body.conversations.find((c) => c.subject === subject);
  if (!found) throw new Error(`no conversation "${subject}"`);
  return found.id;
}

/** The outbox-send job of this message ran to its end (after its undo window). */
export async function sendJobDone(db: Db, outboxId: string) {
  await waitFor(
    async () => {
      const rows = await db.execute<{ n: number }>(sql`
        select count(*)::int as n from pgboss.job
        where name = 'outbox-send' and data->>'outboxId' = ${outboxId} and state = 'completed'`);
      return rows.rows[0]!.n > 0;
    },
    { what: `the send job of ${outboxId} to finish`, timeoutMs: 60_000, intervalMs: 200 },
  );
}

/**
 * A connected mailbox ready to send: its first sync at rest (so the conversations answered are
 * stored) and no undo window (messages go at once), with the server's database at hand.
 */
export async function startSendingMailbox(
  options: Parameters<typeof startConnectedMailbox>[0] = {},
): Promise<ConnectedMailbox & { db: Db }> {
  const mailbox = await startConnectedMailbox(options);
  const db = mailbox.server.database.db;
  await syncAtRest(db, mailbox.channelId);
  await setChannel(mailbox.admin, mailbox.channelId, { undoSendSeconds: 0 });
  return { ...mailbox, db };
}

import { randomUUID } from "node:crypto";
import type { OutboxItem } from "@mailroom/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/src/index.ts";
import type { Db } from "../src/db/client.ts";
import type { TestClient, TestServer } from "./harness.ts";
import {
  compose,
  conversationBySubject,
  emulatorControl,
  header,
  mailboxMessages,
  send,
  sendJobDone,
  setChannel,
  startSendingMailbox,
  storedCopies,
  waitForOutbox,
  withOutboxHeader,
} from "./outbox-helpers.ts";
import { CUSTOMER } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let channelId: string;
let db: Db;
let damaged: string;

const DANA = CUSTOMER.login;

beforeAll(async () => {
  ({ emulator, server, admin, channelId, db } = await startSendingMailbox());
  damaged = await conversationBySubject(admin, "Order #48213 arrived damaged");
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** The customer's copy of what `outbox` sent, once delivered. */
async function delivered(outbox: OutboxItem, mailbox = DANA) {
  return waitFor(async () => (await withOutboxHeader(emulator, mailbox, outbox.id, "inbox"))[0], {
    what: `delivery of ${outbox.id} to ${mailbox}`,
    timeoutMs: 60_000,
  });
}

/** Sends and waits until the sync stored its Sent Items copy (matched): the row as it ends. */
async function sendAndMatch(body: Parameters<typeof send>[1]) {
  const outbox = await send(admin, body);
  const row = await waitForOutbox(db, outbox.id, ["matched"]);
  return { outbox, row };
}

describe("sending from a conversation, checked in the customer's mailbox", () => {
  it("replies in the customer's thread: same conversation, In-Reply-To the message answered", async () => {
    const context = await compose(admin, damaged);
    expect(context.defaults?.reply.to.map((p) => p.address)).toEqual([DANA]);
    expect(context.fromChoices.map((c) => c.address)).toContain("support@contoso.com");
    const answered = (await mailboxMessages(emulator, "support@contoso.com")).find(
      (m) => m.subject.includes("#48213") && m.folder === "sentitems",
    );
    const { outbox, row } = await sendAndMatch({
      kind: "reply",
      messageId: context.defaults!.messageId,
      lastSeenMessageId: context.defaults!.lastSeenMessageId,
      from: context.defaultFrom,
      to: context.defaults!.reply.to,
      html: "<p>Replacements ship <b>tomorrow</b>.</p>",
    });
    const copy = await delivered(outbox);
    const thread = await mailboxMessages(emulator, DANA);
    // Answering the newest message of the thread (support's own last one, in Dana's Inbox too).
    const parentInDana = thread.find(
      (m) => header(copy, "In-Reply-To") === m.internetMessageId && m.folder === "inbox",
    );
    expect(parentInDana, "the message answered is in the customer's mailbox").toBeDefined();
    expect(copy.conversationId).toBe(parentInDana!.conversationId);
    expect(copy.subject).toMatch(/^RE: Order #48213/);
    expect(copy.body.content).toContain("Replacements ship <b>tomorrow</b>.");
    expect(answered).toBeDefined();
    // The Sent Items copy is stored once, in the conversation answered.
    expect(row.conversationId).toBe(damaged);
    expect(await storedCopies(db, channelId, row.graphDraftId!)).toBe(1);
    const steps = row.steps.map((s) => s.state);
    expect(steps).toEqual(["draft_created", "patched", "attachments_uploaded", "sent", "matched"]);
    expect(row.steps[0]!.graphId).toBe(row.graphDraftId);
    const list = await admin.get<{ outbox: OutboxItem[] }>(`/api/conversations/${damaged}/outbox`);
    expect(list.body.outbox).toEqual([]);
  });

  it("replies to all, and forwards to someone outside with the history quoted", async () => {
    const context = await compose(admin, damaged);
    const all = await send(admin, {
      kind: "replyAll",
      messageId: context.defaults!.messageId,
      lastSeenMessageId: context.defaults!.lastSeenMessageId,
      from: context.defaultFrom,
      to: context.defaults!.replyAll.to,
      cc: [{ address: "warehouse@example.net", name: "Warehouse" }],
      html: "<p>Copying the warehouse.</p>",
    });
    const copy = await delivered(all);
    expect(copy.ccRecipients.map((r) => r.emailAddress.address)).toEqual(["warehouse@example.net"]);
    expect(header(copy, "In-Reply-To")).toBeTruthy();
    await waitForOutbox(db, all.id, ["matched"]);

    const latest = await compose(admin, damaged);
    const forward = await send(admin, {
      kind: "forward",
      messageId: latest.defaults!.messageId,
      lastSeenMessageId: latest.defaults!.lastSeenMessageId,
      from: latest.defaultFrom,
      to: [{ address: "carrier@example.org" }],
      html: "<p>Please see the claim below.</p>",
    });
    const sink = await waitFor(async () => {
      const res = await emulatorControl(
        emulator,
        "/_emulator/outbound?to=carrier@example.org",
        "GET",
        undefined,
      );
      const body = (await res.json()) as { value: { subject: string; body: string }[] };
      return body.value[0];
    });
    expect(sink.subject).toMatch(/^FW: /);
    expect(JSON.stringify(sink.body)).toContain("Please see the claim below.");
    await waitForOutbox(db, forward.id, ["matched"]);
  });

  it("sends a new email from the mailbox, threaded nowhere", async () => {
    const { outbox, row } = await sendAndMatch({
      kind: "new",
      channelId,
      from: "support@contoso.com",
      to: [{ address: DANA, name: "Dana Whitfield" }],
      subject: "Your replacement lamps",
      html: "<p>Tracking number: 1Z999</p>",
    });
    const copy = await delivered(outbox);
    expect(copy.subject).toBe("Your replacement lamps");
    expect(header(copy, "In-Reply-To")).toBeUndefined();
    expect(row.conversationId).not.toBe(damaged);
    expect(row.conversationId).toBeTruthy();
  });
});

describe("a Send repeated (a retry after a lost answer, a second tab)", () => {
  it("queues one message per send key: repeats, even at once, get the first one's answer", async () => {
    const body = {
      kind: "new" as const,
      channelId,
      from: "support@contoso.com",
      to: [{ address: DANA }],
      subject: "Only once, please",
      html: "<p>Your refund is on its way.</p>",
      sendKey: randomUUID(),
    };
    const [first, ...atOnce] = await Promise.all([1, 2, 3].map(() => send(admin, body)));
    const later = await send(admin, { ...body, html: "<p>Edited after the answer was lost</p>" });
    for (const repeat of [...atOnce, later]) expect(repeat.id).toBe(first!.id);
    expect(later.html).toBe("<p>Your refund is on its way.</p>");
    await waitForOutbox(db, first!.id, ["matched"]);
    await delivered(first!);
    const copies = await mailboxMessages(emulator, DANA, "inbox");
    expect(copies.filter((m) => m.subject === "Only once, please")).toHaveLength(1);
    // Another key is another message.
    const other = await send(admin, { ...body, sendKey: randomUUID() });
    expect(other.id).not.toBe(first!.id);
    await waitForOutbox(db, other.id, ["matched"]);
  });
});

describe("refusals said before anything is sent", () => {
  it("refuses more than 500 recipients, a From the mailbox doesn't have, and bad addresses", async () => {
    const many = Array.from({ length: 501 }, (_, i) => ({ address: `r${i}@example.net` }));
    const base = { kind: "new" as const, channelId, from: "support@contoso.com", html: "<p>x</p>" };
    const tooMany = await admin.post("/api/outbox", { ...base, to: many });
    expect(tooMany.status).toBe(400);
    const otherFrom = await admin.post<{ fields: { field: string }[] }>("/api/outbox", {
      ...base,
      from: "alex.wilber@outlook.com",
      to: [{ address: DANA }],
    });
    expect(otherFrom.status).toBe(400);
    expect(otherFrom.body.fields.map((f) => f.field)).toContain("from");
    const badAddress = await admin.post("/api/outbox", { ...base, to: [{ address: "not an address" }] });
    expect(badAddress.status).toBe(400);
    const noRecipient = await admin.post("/api/outbox", { ...base, to: [] });
    expect(noRecipient.status).toBe(400);
  });
});

describe("undo", () => {
  it("cancels within the window, returns the content, and nothing reaches the customer", async () => {
    await setChannel(admin, channelId, { undoSendSeconds: 5 });
    try {
      const outbox = await send(admin, {
        kind: "new",
        channelId,
        from: "support@contoso.com",
        to: [{ address: DANA }],
        subject: "Oops",
        html: "<p>Sent too soon</p>",
      });
      expect(new Date(outbox.sendAt).getTime()).toBeGreaterThan(Date.now());
      const undo = await admin.post<{ outbox: OutboxItem }>(`/api/outbox/${outbox.id}/undo`);
      expect(undo.status).toBe(200);
      expect(undo.body.outbox).toMatchObject({
        state: "cancelled",
        html: "<p>Sent too soon</p>",
        subject: "Oops",
      });
      // Past the window the job has run (and found it cancelled): no draft, no delivery.
      const again = await admin.post(`/api/outbox/${outbox.id}/undo`);
      expect(again.status).toBe(409);
      await sendJobDone(db, outbox.id);
      expect(await withOutboxHeader(emulator, DANA, outbox.id)).toEqual([]);
      expect(await withOutboxHeader(emulator, "support@contoso.com", outbox.id)).toEqual([]);
    } finally {
      await setChannel(admin, channelId, { undoSendSeconds: 0 });
    }
  });
});

describe("Microsoft's sending limits, said before they bite", () => {
  it("queues the 31st message of a minute with the time it will go, instead of failing", async () => {
    await setChannel(admin, channelId, { undoSendSeconds: 30 });
    const queued: OutboxItem[] = [];
    try {
      for (let i = 0; i < 31; i++)
        queued.push(
          await send(admin, {
            kind: "new",
            channelId,
            from: "support@contoso.com",
            to: [{ address: `limit${i}@example.net` }],
            subject: `Limit ${i}`,
            html: "<p>x</p>",
          }),
        );
      const last = queued.at(-1)!;
      expect(last.willGoAt, "the 31st is held").not.toBeNull();
      expect(Date.parse(last.willGoAt!)).toBeGreaterThan(Date.parse(last.sendAt));
      // However many went before in this file: no 31 of them within any minute.
      const times = queued.map((q) => Date.parse(q.willGoAt ?? q.sendAt)).sort((a, b) => a - b);
      for (let i = 30; i < times.length; i++)
        expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(60_000);
    } finally {
      for (const q of queued) expect((await admin.post(`/api/outbox/${q.id}/undo`)).status).toBe(200);
      await setChannel(admin, channelId, { undoSendSeconds: 0 });
    }
  });
});

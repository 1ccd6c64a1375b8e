import type { OutboxItem, SendCollision } from "@mailroom/contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/src/index.ts";
import { channelAliases } from "../src/channels/schema.ts";
import type { Db } from "../src/db/client.ts";
import { join, MANY_USERS_ENV } from "./accounts-helpers.ts";
import type { TestClient, TestServer } from "./harness.ts";
import {
  compose,
  conversationBySubject,
  emulatorControl,
  send,
  setChannel,
  startSendingMailbox,
  waitForOutbox,
  withOutboxHeader,
} from "./outbox-helpers.ts";
import { CUSTOMER } from "./outlook-helpers.ts";
import { listenToEvents } from "./sse.ts";
import { waitFor } from "./wait-for.ts";

let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let agent: TestClient;
let channelId: string;
let orgId: string;
let db: Db;

const DANA = CUSTOMER.login;

beforeAll(async () => {
  ({ emulator, server, admin, channelId, orgId, db } = await startSendingMailbox({
    env: MANY_USERS_ENV,
    beforeConnect: async (owner, s) => {
      agent = await join(s, owner, "agent@acme.test", "admin");
    },
  }));
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

async function newMail(from: string, subject: string) {
  return send(admin, {
    kind: "new",
    channelId,
    from,
    to: [{ address: DANA }],
    subject,
    html: `<p>${subject}</p>`,
  });
}

async function deliveredFrom(outbox: OutboxItem): Promise<string | undefined> {
  const copy = await waitFor(async () => (await withOutboxHeader(emulator, DANA, outbox.id, "inbox"))[0], {
    what: "delivery",
    timeoutMs: 60_000,
  });
  return copy.from?.emailAddress.address;
}

describe("sending from aliases", () => {
  it("offers the proxy addresses as From and shows otherMails apart, not selectable", async () => {
    await db.insert(channelAliases).values({
      orgId,
      channelId,
      address: "dana.private@outlook.com",
      addressLower: "dana.private@outlook.com",
      source: "otherMails",
    });
    const context = await compose(admin, await conversationBySubject(admin, "Order #48213 arrived damaged"));
    const choices = context.fromChoices.map((c) => c.address.toLowerCase());
    expect(choices).toEqual(
      expect.arrayContaining(["support@contoso.com", "help@contoso.com", "billing@contoso.com"]),
    );
    expect(context.fromChoices.find((c) => c.isPrimary)?.address).toBe("support@contoso.com");
    expect(choices).not.toContain("dana.private@outlook.com");
    expect(context.otherAddresses).toContain("dana.private@outlook.com");
    const refused = await admin.post("/api/outbox", {
      kind: "new",
      channelId,
      from: "dana.private@outlook.com",
      to: [{ address: DANA }],
      html: "<p>x</p>",
    });
    expect(refused.status).toBe(400);
  });

  it("defaults From to the alias the customer wrote to", async () => {
    const context = await compose(
      admin,
      await conversationBySubject(admin, "Question about shipping to Spain"),
    );
    expect(context.defaultFrom).toBe("help@contoso.com");
  });

  it("keeps the alias with SendFromAliasEnabled on; Exchange rewrites it to the primary when off", async () => {
    await emulatorControl(emulator, "/_emulator/tenants/contoso.com/send-from-alias", "POST", {
      enabled: true,
    });
    const on = await newMail("help@contoso.com", "From the help alias");
    expect(await deliveredFrom(on)).toBe("help@contoso.com");
    await emulatorControl(emulator, "/_emulator/tenants/contoso.com/send-from-alias", "POST", {
      enabled: false,
    });
    const off = await newMail("help@contoso.com", "Alias off");
    expect(await deliveredFrom(off)).toBe("support@contoso.com");
    await waitForOutbox(db, off.id, ["matched"]);
  });

  it("says in words when Microsoft refuses Send As, and Retry sends once the right is granted", async () => {
    // An address listed for the mailbox that Exchange won't let it send as (a stale alias list).
    await db.insert(channelAliases).values({
      orgId,
      channelId,
      address: "sales@contoso.com",
      addressLower: "sales@contoso.com",
      source: "proxyAddresses",
    });
    const outbox = await newMail("sales@contoso.com", "From sales");
    const failed = await waitForOutbox(db, outbox.id, ["failed"]);
    expect(failed.failureCode).toBe("ErrorSendAsDenied");
    expect(failed.failureMessage).toBe(
      "Microsoft refused to send as sales@contoso.com: ask your Microsoft 365 admin to grant Send As for it (and to turn on SendFromAliasEnabled for aliases).",
    );
    await emulatorControl(emulator, "/_emulator/mailboxes/support@contoso.com/send-as", "POST", {
      address: "sales@contoso.com",
      allowed: true,
    });
    const retried = await admin.post<{ outbox: OutboxItem }>(`/api/outbox/${outbox.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.outbox.error).toBeNull();
    expect(await deliveredFrom(outbox)).toBe("sales@contoso.com");
    const row = await waitForOutbox(db, outbox.id, ["matched"]);
    // The same draft went: one draft created, the failed send retried on it.
    expect(row.steps.filter((s) => s.state === "draft_created")).toHaveLength(1);
    expect(await withOutboxHeader(emulator, DANA, outbox.id)).toHaveLength(1);
  });
});

describe("no double answers", () => {
  it("stops the second of two agents replying at once, shows the first's reply, and lets them send anyway", async () => {
    await setChannel(admin, channelId, { undoSendSeconds: 20 });
    const conversation = await conversationBySubject(admin, "Cannot reset my password");
    const [first, second] = [await compose(admin, conversation), await compose(agent, conversation)];
    const body = (context: typeof first) => ({
      kind: "reply" as const,
      messageId: context.defaults!.messageId,
      lastSeenMessageId: context.defaults!.lastSeenMessageId,
      from: context.defaultFrom,
      to: context.defaults!.reply.to,
      html: "<p>Try the reset link again.</p>",
    });
    const sent = await send(admin, body(first));
    const stopped = await agent.post<SendCollision & { code: string; title: string }>(
      "/api/outbox",
      body(second),
    );
    expect(stopped.status).toBe(409);
    expect(stopped.body.code).toBe("conflict");
    expect(stopped.body.reason).toBe("newer_messages");
    expect(stopped.body.title).toMatch(/already replying/);
    expect(stopped.body.pending.map((p) => p.id)).toEqual([sent.id]);
    const anyway = await agent.post<{ outbox: OutboxItem }>("/api/outbox", {
      ...body(second),
      sendAnyway: true,
    });
    expect(anyway.status).toBe(201);
    expect((await admin.post(`/api/outbox/${sent.id}/undo`)).status).toBe(200);
    expect((await agent.post(`/api/outbox/${anyway.body.outbox.id}/undo`)).status).toBe(200);
  });

  it("stops a reply written before the customer's newer message, showing that message", async () => {
    const conversation = await conversationBySubject(admin, "Order #48213 arrived damaged");
    const context = await compose(admin, conversation);
    const newest = (
      await admin.get<{ conversation: { messages: { id: string; subject: string }[] } }>(
        `/api/conversations/${conversation}`,
      )
    ).body.conversation.messages.at(-1)!;
    const graphIdRes = await emulatorControl(
      emulator,
      "/_emulator/mailboxes/support@contoso.com/messages",
      "GET",
      undefined,
    );
    const all = (await graphIdRes.json()) as {
      value: { subject: string; internetMessageId: string; folder: string }[];
    };
    const last = all.value.filter((m) => m.subject.includes("#48213")).at(-1)!;
    await emulatorControl(emulator, "/_emulator/mailboxes/support@contoso.com/inbound", "POST", {
      from: { name: "Dana Whitfield", address: DANA },
      subject: "RE: Order #48213 arrived damaged",
      text: "Also one more lamp is broken.",
      inReplyTo: last.internetMessageId,
    });
    await waitFor(
      async () => {
        const res = await admin.get<{ conversation: { messages: { id: string }[] } }>(
          `/api/conversations/${conversation}`,
        );
        return res.body.conversation.messages.at(-1)!.id !== newest.id;
      },
      { what: "the customer's new message to be synced", timeoutMs: 60_000 },
    );
    const stopped = await admin.post<SendCollision>("/api/outbox", {
      kind: "reply",
      messageId: context.defaults!.messageId,
      lastSeenMessageId: context.defaults!.lastSeenMessageId,
      from: context.defaultFrom,
      to: context.defaults!.reply.to,
      html: "<p>On it.</p>",
    });
    expect(stopped.status).toBe(409);
    expect(stopped.body.messages.map((m) => m.text).join()).toContain("Also one more lamp is broken.");
    expect(stopped.body.pending).toEqual([]);
  });
});

describe("live: who is on a conversation, and the outbox's state", () => {
  it("tells colleagues who views and who replies, and every state an outgoing message goes through", async () => {
    const conversation = await conversationBySubject(admin, "Feature request: export to CSV");
    const stream = await listenToEvents(agent);
    try {
      await waitFor(() => stream.events.some((e) => e.type === "ready"), { what: "the stream" });
      expect(
        (await admin.post(`/api/conversations/${conversation}/presence`, { activity: "composing" })).status,
      ).toBe(204);
      const presence = await waitFor(() => stream.events.find((e) => e.type === "presence.updated"), {
        what: "the presence event",
      });
      expect(presence.data).toMatchObject({ conversationId: conversation, activity: "composing", channelId });
      expect(Date.parse(String(presence.data.until))).toBeGreaterThan(Date.now());
      // Another org's member (or a bad id) gets 404, never an event.
      expect(
        (await admin.post("/api/conversations/not-a-uuid/presence", { activity: "viewing" })).status,
      ).toBe(404);

      await setChannel(admin, channelId, { undoSendSeconds: 0 });
      const context = await compose(admin, conversation);
      const sent = await send(admin, {
        kind: "reply",
        messageId: context.defaults!.messageId,
        lastSeenMessageId: context.defaults!.lastSeenMessageId,
        from: context.defaultFrom,
        to: context.defaults!.reply.to,
        html: "<p>Coming in the next release.</p>",
      });
      await waitForOutbox(db, sent.id, ["matched"]);
      const states = await waitFor(
        () => {
          const seen = stream.events
            .filter((e) => e.type === "outbox.updated" && e.data.outboxId === sent.id)
            .map((e) => e.data.state);
          return seen.includes("matched") ? seen : undefined;
        },
        { what: "the outbox events" },
      );
      expect(states).toEqual([
        "queued",
        "draft_created",
        "patched",
        "attachments_uploaded",
        "sent",
        "matched",
      ]);
    } finally {
      stream.close();
    }
  });
});

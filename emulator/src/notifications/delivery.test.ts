import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import { deleteMessage, deliverMessage, moveMessage, updateMessage } from "../store/messages.ts";
import type { Mailbox } from "../store/types.ts";
import { echoValidation, type Harness, startHarness, waitFor } from "./test-harness.ts";

describe("change notification delivery", () => {
  let h: Harness;
  let support: Mailbox;
  const receive = (subject = "Hello") =>
    deliverMessage(h.ctx.store, support, "inbox", {
      subject,
      from: { emailAddress: { name: "Dana", address: "customer@fabrikam.com" } },
      toRecipients: [{ emailAddress: { address: "support@contoso.com" } }],
    });
  const stats = (id: string) => h.runtime.stats.of(id);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(() => {
    h.emulator.reset();
    h.receiver.respond = echoValidation;
    h.receiver.received.length = 0;
  });
  afterAll(() => h.close());
  const setup = async (body: Record<string, unknown> = {}) => {
    support = h.ctx.store.mailbox(SEED_IDS.users.support)!;
    const { status, json } = await h.subscribe(body);
    expect(status).toBe(201);
    return json;
  };

  it("notifies a created message with Graph's payload and the clientState", async () => {
    const subscription = await setup();
    const message = receive();
    const [notification] = await waitFor(
      () => h.receiver.changes("/notify").length === 1 && h.receiver.changes(),
    );
    const uid = SEED_IDS.users.support;
    expect(notification).toEqual({
      id: expect.any(String),
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: subscription.expirationDateTime,
      changeType: "created",
      resource: `Users/${uid}/Messages/${message.id}`,
      resourceData: {
        "@odata.type": "#Microsoft.Graph.Message",
        "@odata.id": `Users/${uid}/Messages/${message.id}`,
        "@odata.etag": `W/"${message.changeKey}"`,
        id: message.id,
      },
      clientState: "secretClientValue",
      tenantId: SEED_IDS.tenants.contoso,
    });
    expect(h.receiver.posts("/notify")[0]!.contentType).toBe("application/json");
    await waitFor(() => stats(subscription.id).delivered === 1);
    expect(stats(subscription.id).pending).toBe(0);
  });

  it("notifies updates and deletions, and only the change types asked for", async () => {
    await setup({ changeType: "updated,deleted" });
    const message = receive();
    updateMessage(h.ctx.store, support, message.id, { isRead: true });
    deleteMessage(h.ctx.store, support, message.id);
    const changes = await waitFor(() => h.receiver.changes().length === 2 && h.receiver.changes());
    expect(changes.map((n) => n.changeType)).toEqual(["updated", "deleted"]);
  });

  it("reports a move as deleted in the source folder, created in the destination, updated mailbox-wide", async () => {
    const inbox = await setup({ notificationUrl: `${h.receiver.url}/inbox` });
    const archive = await setup({
      notificationUrl: `${h.receiver.url}/archive`,
      resource: "/me/mailFolders('archive')/messages",
    });
    const all = await setup({ notificationUrl: `${h.receiver.url}/all`, resource: "/me/messages" });
    const message = receive();
    moveMessage(h.ctx.store, support, message.id, "archive");
    await waitFor(() => h.receiver.changes("/inbox").length === 2 && h.receiver.changes("/all").length === 2);
    await waitFor(() => h.receiver.changes("/archive").length === 1);
    expect(h.receiver.changes("/inbox").map((n) => [n.subscriptionId, n.changeType])).toEqual([
      [inbox.id, "created"],
      [inbox.id, "deleted"],
    ]);
    expect(h.receiver.changes("/archive").map((n) => [n.subscriptionId, n.changeType])).toEqual([
      [archive.id, "created"],
    ]);
    expect(h.receiver.changes("/all").map((n) => [n.subscriptionId, n.changeType])).toEqual([
      [all.id, "created"],
      [all.id, "updated"],
    ]);
  });

  it("ignores other mailboxes and other folders", async () => {
    const subscription = await setup();
    const alex = h.ctx.store.mailbox(SEED_IDS.users.alex)!;
    deliverMessage(h.ctx.store, alex, "inbox", { subject: "Not for support" });
    deliverMessage(h.ctx.store, support, "sentitems", { subject: "Sent" });
    receive("Counted");
    await waitFor(() => stats(subscription.id).delivered === 1);
    expect(h.receiver.changes()).toHaveLength(1);
  });

  it("batches notifications that accumulate into one value array", async () => {
    const subscription = await setup();
    for (let i = 0; i < 50; i++) receive(`Message ${i}`);
    await waitFor(() => stats(subscription.id).delivered === 50);
    expect(h.receiver.posts().length).toBeLessThan(50);
    expect(new Set(h.receiver.changes().map((n) => n.resourceData.id)).size).toBe(50);
    expect(stats(subscription.id)).toMatchObject({ delivered: 50, pending: 0 });
  });

  it("retries a failing receiver with backoff on the clock until it accepts", async () => {
    const subscription = await setup();
    let failures = 0;
    h.receiver.respond = (r) =>
      r.validationToken === null && failures++ < 3 ? { status: 503 } : { status: 202 };
    receive();
    await waitFor(() => stats(subscription.id).failed === 1);
    expect(stats(subscription.id)).toMatchObject({ retried: 1, pending: 1 });
    h.emulator.clock.advance(9_999);
    expect(h.receiver.posts()).toHaveLength(1);
    h.emulator.clock.advance(1); // first retry after 10 s
    await waitFor(() => stats(subscription.id).failed === 2);
    h.emulator.clock.advance(20_000); // then 20 s
    await waitFor(() => stats(subscription.id).failed === 3);
    h.emulator.clock.advance(40_000); // then 40 s: accepted
    await waitFor(() => stats(subscription.id).delivered === 1);
    expect(h.receiver.posts()).toHaveLength(4);
    expect(stats(subscription.id)).toMatchObject({ failed: 3, retried: 3, dropped: 0, pending: 0 });
  });

  it("treats a receiver slower than the delivery timeout as a failure", async () => {
    h.runtime.configure({ deliveryTimeoutMs: 150 });
    const subscription = await setup();
    h.receiver.respond = (r) => (r.validationToken !== null ? echoValidation(r) : "hang");
    receive();
    await waitFor(() => stats(subscription.id).failed === 1);
  });

  it("drops a notification after 4 hours of failures and sends missed", async () => {
    const subscription = await setup();
    h.receiver.respond = (r) =>
      r.validationToken !== null
        ? echoValidation(r)
        : r.path === "/lifecycle"
          ? { status: 202 }
          : { status: 500 };
    receive();
    for (let step = 0; step < 40 && stats(subscription.id).dropped === 0; step++) {
      const failed = stats(subscription.id).failed;
      await waitFor(() => stats(subscription.id).failed > failed || stats(subscription.id).dropped > 0);
      h.emulator.clock.advance(30 * 60_000);
    }
    expect(stats(subscription.id)).toMatchObject({ delivered: 0, dropped: 1, pending: 0 });
    const missed = () => h.receiver.lifecycle().filter((n) => n.lifecycleEvent === "missed");
    const [event] = await waitFor(() => missed().length === 1 && missed());
    expect(event).toMatchObject({ subscriptionId: subscription.id, clientState: "secretClientValue" });
  });

  it("stops delivering when the subscription expires and removes it", async () => {
    const short = await setup({
      expirationDateTime: h.inMinutes(30),
      notificationUrl: `${h.receiver.url}/short`,
    });
    const long = await setup({ notificationUrl: `${h.receiver.url}/long` });
    receive("Before");
    await waitFor(
      () => h.receiver.changes("/short").length === 1 && h.receiver.changes("/long").length === 1,
    );
    h.emulator.clock.advance(31 * 60_000);
    expect(h.ctx.store.state.subscriptions.has(short.id)).toBe(false);
    receive("After");
    await waitFor(() => stats(long.id).delivered === 2);
    expect(h.receiver.changes("/long")).toHaveLength(2);
    expect(h.receiver.changes("/short")).toHaveLength(1);
  });
});

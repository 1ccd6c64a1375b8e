import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import { deliverMessage } from "../store/messages.ts";
import { echoValidation, type Harness, startHarness, waitFor } from "./test-harness.ts";

describe("lifecycle notifications", () => {
  let h: Harness;
  const receive = (subject = "Hello") =>
    deliverMessage(h.ctx.store, h.ctx.store.mailbox(SEED_IDS.users.support)!, "inbox", { subject });
  const events = (event: string) =>
    h.receiver.lifecycle("/lifecycle").filter((n) => n.lifecycleEvent === event);
  const lifecycle = (id: string, body: Record<string, unknown>) =>
    h.call("POST", `/_emulator/notifications/subscriptions/${id}/lifecycle`, body);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(() => {
    h.emulator.reset();
    h.receiver.respond = echoValidation;
    h.receiver.received.length = 0;
  });
  afterAll(() => h.close());

  it("challenges before the token expires, pauses after, and resumes on reauthorize", async () => {
    const { json: subscription } = await h.subscribe(); // token valid for 60 minutes
    h.emulator.clock.advance(44 * 60_000);
    expect(h.receiver.lifecycle()).toHaveLength(0);
    h.emulator.clock.advance(60_000);
    const [challenge] = await waitFor(
      () => events("reauthorizationRequired").length === 1 && events("reauthorizationRequired"),
    );
    expect(challenge).toEqual({
      subscriptionId: subscription.id,
      subscriptionExpirationDateTime: subscription.expirationDateTime,
      tenantId: SEED_IDS.tenants.contoso,
      clientState: "secretClientValue",
      lifecycleEvent: "reauthorizationRequired",
    });
    receive("Still flowing before the token expires");
    await waitFor(() => h.receiver.changes().length === 1);

    h.emulator.clock.advance(15 * 60_000);
    receive("Lost while paused");
    expect(h.runtime.stats.of(subscription.id).dropped).toBe(1);

    const reauthorized = await h.call(
      "POST",
      `/v1.0/subscriptions/${subscription.id}/reauthorize`,
      undefined,
      h.token(),
    );
    expect(reauthorized.status).toBe(204);
    receive("Flowing again");
    await waitFor(() => h.receiver.changes().length === 2);
    expect(h.receiver.changes().map((n) => n.changeType)).toEqual(["created", "created"]);
  });

  it("pauses on an on-demand challenge until a renewing PATCH", async () => {
    const { json: subscription } = await h.subscribe();
    const fired = await lifecycle(subscription.id, { event: "reauthorizationRequired" });
    expect(fired).toMatchObject({ status: 202, json: { sent: true } });
    await waitFor(() => events("reauthorizationRequired").length === 1);
    receive("Lost");
    expect(h.runtime.stats.of(subscription.id).dropped).toBe(1);
    const renewed = await h.call("PATCH", `/v1.0/subscriptions/${subscription.id}`, {
      expirationDateTime: h.inMinutes(3000),
    });
    expect(renewed.status).toBe(200);
    receive("Delivered");
    await waitFor(() => h.receiver.changes().length === 1);
  });

  it("sends subscriptionRemoved and deletes the subscription", async () => {
    const { json: subscription } = await h.subscribe();
    expect((await lifecycle(subscription.id, { event: "subscriptionRemoved" })).status).toBe(202);
    const [removed] = await waitFor(
      () => events("subscriptionRemoved").length === 1 && events("subscriptionRemoved"),
    );
    expect(removed!.subscriptionId).toBe(subscription.id);
    expect((await h.call("GET", `/v1.0/subscriptions/${subscription.id}`)).status).toBe(404);
  });

  it("sends missed on demand", async () => {
    const { json: subscription } = await h.subscribe();
    await lifecycle(subscription.id, { event: "missed" });
    const [missed] = await waitFor(() => events("missed").length === 1 && events("missed"));
    expect(missed).toMatchObject({ subscriptionId: subscription.id, lifecycleEvent: "missed" });
  });

  it("never pauses a subscription without a lifecycle URL", async () => {
    const { json: subscription } = await h.subscribe({ lifecycleNotificationUrl: undefined });
    expect((await lifecycle(subscription.id, { event: "reauthorizationRequired" })).json).toMatchObject({
      sent: false,
    });
    h.emulator.clock.advance(2 * 60 * 60_000);
    receive();
    await waitFor(() => h.receiver.changes().length === 1);
    expect(h.receiver.lifecycle()).toHaveLength(0);
  });

  it("retries lifecycle notifications the receiver refuses", async () => {
    const { json: subscription } = await h.subscribe();
    let refusals = 0;
    h.receiver.respond = (r) =>
      r.path === "/lifecycle" && refusals++ < 1 ? { status: 500 } : { status: 202 };
    await lifecycle(subscription.id, { event: "missed" });
    await waitFor(() => h.runtime.stats.of(subscription.id).lifecycleFailed === 1);
    h.emulator.clock.advance(10_000);
    await waitFor(() => h.runtime.stats.of(subscription.id).lifecycleDelivered === 1);
  });
});

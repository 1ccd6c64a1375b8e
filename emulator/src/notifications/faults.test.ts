import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import { deliverMessage } from "../store/messages.ts";
import { echoValidation, type Harness, startHarness, waitFor } from "./test-harness.ts";
import { VALIDATION_ERRORS } from "./validate-endpoint.ts";

describe("notification faults", () => {
  let h: Harness;
  const receive = (subject: string) =>
    deliverMessage(h.ctx.store, h.ctx.store.mailbox(SEED_IDS.users.support)!, "inbox", { subject }).id;
  const fault = (body: Record<string, unknown>) => h.call("POST", "/_emulator/notifications/faults", body);
  const ids = (path = "/notify") => h.receiver.changes(path).map((n) => n.resourceData.id);

  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(() => {
    h.emulator.reset();
    h.receiver.respond = echoValidation;
    h.receiver.received.length = 0;
  });
  afterAll(() => h.close());

  it("drops the next N notifications", async () => {
    const { json: subscription } = await h.subscribe();
    expect((await fault({ kind: "drop", count: 1 })).status).toBe(201);
    receive("dropped");
    const kept = receive("kept");
    await waitFor(() => h.runtime.stats.of(subscription.id).delivered === 1);
    expect(ids()).toEqual([kept]);
    expect(h.runtime.stats.of(subscription.id)).toMatchObject({ dropped: 1, delivered: 1 });
    expect(h.receiver.lifecycle()).toHaveLength(0);
  });

  it("drops only the targeted subscription and can announce it with missed", async () => {
    const { json: target } = await h.subscribe({ notificationUrl: `${h.receiver.url}/target` });
    await h.subscribe({ notificationUrl: `${h.receiver.url}/other` });
    await fault({ kind: "drop", percent: 100, subscriptionId: target.id, announceMissed: true });
    const id = receive("one");
    await waitFor(() => ids("/other").length === 1 && h.receiver.lifecycle().length === 1);
    expect(ids("/other")).toEqual([id]);
    expect(ids("/target")).toEqual([]);
    expect(h.receiver.lifecycle()[0]).toMatchObject({ subscriptionId: target.id, lifecycleEvent: "missed" });
  });

  it("duplicates a notification", async () => {
    const { json: subscription } = await h.subscribe();
    await fault({ kind: "duplicate", count: 1 });
    const id = receive("twice");
    await waitFor(() => h.runtime.stats.of(subscription.id).delivered === 2);
    expect(ids()).toEqual([id, id]);
    expect(h.runtime.stats.of(subscription.id)).toMatchObject({ delivered: 2, duplicated: 1, pending: 0 });
  });

  it("delays notifications on the clock", async () => {
    const { json: subscription } = await h.subscribe();
    await fault({ kind: "delay", delayMs: 5_000, count: 1 });
    const late = receive("late");
    const onTime = receive("on time");
    await waitFor(() => ids().length === 1);
    expect(ids()).toEqual([onTime]);
    await waitFor(() => h.runtime.stats.of(subscription.id).delivered === 1);
    expect(h.runtime.stats.of(subscription.id).pending).toBe(1);
    h.emulator.clock.advance(5_000);
    await waitFor(() => ids().length === 2);
    expect(ids()).toEqual([onTime, late]);
  });

  it("reorders a window of notifications", async () => {
    await h.subscribe();
    await fault({ kind: "reorder", window: 3, count: 3 });
    const sent = [receive("a"), receive("b"), receive("c")];
    await waitFor(() => ids().length === 3);
    expect([...ids()].sort()).toEqual([...sent].sort());
    expect(ids()).not.toEqual(sent);
  });

  it("releases a partial reorder window after holdMs", async () => {
    await h.subscribe();
    await fault({ kind: "reorder", window: 5, holdMs: 1_000 });
    receive("a");
    receive("b");
    h.emulator.clock.advance(1_000);
    await waitFor(() => ids().length === 2);
  });

  it("makes validation fail, time out or answer slowly", async () => {
    h.runtime.configure({ validationTimeoutMs: 100 });
    await fault({ kind: "validation", outcome: "wrongBody", count: 1 });
    expect((await h.subscribe()).json.error).toMatchObject(VALIDATION_ERRORS.wrongBody);
    await fault({ kind: "validation", outcome: "timeout", count: 1 });
    expect((await h.subscribe()).json.error).toMatchObject(VALIDATION_ERRORS.timeout);
    await fault({ kind: "validation", outcome: "slow", delayMs: 150, count: 1 });
    const started = Date.now();
    expect((await h.subscribe()).status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("lists subscriptions with delivery stats, expires one now, and clears faults", async () => {
    const { json: subscription } = await h.subscribe();
    receive("counted");
    await waitFor(() => h.runtime.stats.of(subscription.id).delivered === 1);
    const listed = await h.call("GET", "/_emulator/notifications/subscriptions");
    expect(listed.json.value).toEqual([
      expect.objectContaining({
        id: subscription.id,
        mailboxId: SEED_IDS.users.support,
        paused: false,
        stats: expect.objectContaining({ delivered: 1, failed: 0, retried: 0, dropped: 0, pending: 0 }),
      }),
    ]);
    await fault({ kind: "drop" });
    expect((await h.call("DELETE", "/_emulator/notifications/faults")).status).toBe(204);
    expect((await h.call("GET", "/_emulator/notifications/faults")).json.value).toEqual([]);
    expect(
      (await h.call("POST", `/_emulator/notifications/subscriptions/${subscription.id}/expire`)).status,
    ).toBe(204);
    expect((await h.call("GET", `/v1.0/subscriptions/${subscription.id}`)).status).toBe(404);
  });

  it("changes settings through the control API and rejects unknown ones", async () => {
    const changed = await h.call("PATCH", "/_emulator/notifications/settings", {
      maxExpirationMinutes: 4230,
    });
    expect(changed.json).toMatchObject({ maxExpirationMinutes: 4230 });
    expect((await h.call("PATCH", "/_emulator/notifications/settings", { nope: 1 })).status).toBe(400);
    expect((await fault({ kind: "explode" })).status).toBe(400);
  });
});

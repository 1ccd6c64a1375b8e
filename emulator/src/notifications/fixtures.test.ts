/**
 * The emulator's subscription and notification JSON against Microsoft's documented examples
 * (emulator/fixtures/notifications, sources in fixtures/SOURCES.md): same field names, same types.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import { deliverMessage } from "../store/messages.ts";
import { type Harness, startHarness, waitFor } from "./test-harness.ts";

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../fixtures/notifications/${name}`, import.meta.url), "utf8"),
  ) as Record<string, unknown>;

type Shape = string | { [key: string]: Shape } | Shape[];

/** Field names and JSON types, recursively (arrays by their first element). */
function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0])] : [];
  if (value === null) return "null";
  if (typeof value === "object")
    return Object.fromEntries(Object.entries(value as object).map(([key, item]) => [key, shapeOf(item)]));
  return typeof value;
}

/** Every field of the documented example is present in ours with the same type. */
function expectSameShape(ours: unknown, documented: unknown) {
  expect(shapeOf(ours)).toMatchObject(shapeOf(documented) as object);
}

describe("payloads match Microsoft's documented examples", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it("accepts the documented create request and answers the documented response shape", async () => {
    const request = fixture("subscription-create-request.json");
    const { status, json } = await h.subscribe({
      ...request,
      lifecycleNotificationUrl: undefined,
      notificationUrl: `${h.receiver.url}/notify`,
      expirationDateTime: h.inMinutes(4000),
    });
    expect(status).toBe(201);
    expectSameShape(json, fixture("subscription-create-response.json"));
    expect(json.resource).toBe(request.resource);

    const renewed = await h.call("PATCH", `/v1.0/subscriptions/${json.id}`, {
      expirationDateTime: h.inMinutes(5000),
    });
    expectSameShape(renewed.json, fixture("subscription-update-response.json"));
  });

  it("posts change notifications shaped like the documented collection", async () => {
    await h.subscribe({ notificationUrl: `${h.receiver.url}/shape` });
    deliverMessage(h.ctx.store, h.ctx.store.mailbox(SEED_IDS.users.support)!, "inbox", { subject: "Shape" });
    await waitFor(() => h.receiver.posts("/shape").length === 1);
    const posted = JSON.parse(h.receiver.posts("/shape")[0]!.body) as unknown;
    expectSameShape(posted, fixture("change-notification-collection.json"));
  });

  it("posts lifecycle notifications shaped like the documented one", async () => {
    const { json } = await h.subscribe();
    await h.call("POST", `/_emulator/notifications/subscriptions/${json.id}/lifecycle`, { event: "missed" });
    await waitFor(() => h.receiver.posts("/lifecycle").length === 1);
    const posted = JSON.parse(h.receiver.posts("/lifecycle")[0]!.body) as { value: object[] };
    const documented = fixture("lifecycle-notification.json") as { value: object[] };
    expect(shapeOf(posted)).toEqual(shapeOf(documented));
  });
});

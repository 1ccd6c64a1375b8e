import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  parseChangeNotifications,
  parseLifecycleNotifications,
  validationToken,
} from "./parse-notifications.ts";

// Microsoft's documented examples, kept as fixtures by the emulator (with their source pages).
const fixtures = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../../../emulator/fixtures/notifications",
);
const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(fixtures, name), "utf8"));

describe("parsing Graph's webhook bodies", () => {
  it("reads Microsoft's documented change notification", () => {
    const parsed = parseChangeNotifications(fixture("change-notification-collection.json"));
    expect(parsed).toMatchObject({
      ok: true,
      items: [
        { subscriptionId: "{subscription_guid}", clientState: "secretClientValue", changeType: "created" },
      ],
    });
  });

  it("reads each lifecycle event", () => {
    for (const lifecycleEvent of ["reauthorizationRequired", "subscriptionRemoved", "missed"]) {
      const body = fixture("lifecycle-notification.json") as { value: Record<string, unknown>[] };
      body.value[0]!.lifecycleEvent = lifecycleEvent;
      const parsed = parseLifecycleNotifications(body);
      expect(parsed.ok && parsed.items[0]!.lifecycleEvent).toBe(lifecycleEvent);
    }
  });

  it.each([
    ["not an object", "hello"],
    ["no value", {}],
    ["an empty batch", { value: [] }],
    ["a missing subscription id", { value: [{ changeType: "created", clientState: "x" }] }],
    ["an unknown change type", { value: [{ subscriptionId: "s", changeType: "exploded" }] }],
    [
      "an oversized client state",
      { value: [{ subscriptionId: "s", changeType: "created", clientState: "x".repeat(129) }] },
    ],
  ])("refuses %s with a reason", (_, body) => {
    const parsed = parseChangeNotifications(body);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toBeTruthy();
  });

  it("refuses a lifecycle body on the change endpoint and the other way round", () => {
    expect(parseChangeNotifications(fixture("lifecycle-notification.json")).ok).toBe(false);
    expect(parseLifecycleNotifications(fixture("change-notification-collection.json")).ok).toBe(false);
  });

  it("finds the validation token, and nothing in an ordinary notification", () => {
    expect(validationToken({ validationToken: "Validation: Token-with spaces&symbols" })).toBe(
      "Validation: Token-with spaces&symbols",
    );
    expect(validationToken({})).toBeUndefined();
    expect(validationToken({ validationToken: ["a", "b"] })).toBeUndefined();
    expect(validationToken(undefined)).toBeUndefined();
  });
});

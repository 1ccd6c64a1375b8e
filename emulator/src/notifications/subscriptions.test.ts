import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import { type Harness, startHarness } from "./test-harness.ts";
import { VALIDATION_ERRORS } from "./validate-endpoint.ts";

describe("subscriptions API", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterEach(() => {
    h.emulator.reset();
    h.receiver.respond = (r) =>
      r.validationToken !== null ? { status: 200, body: r.validationToken } : { status: 202 };
    h.receiver.received.length = 0;
  });
  afterAll(() => h.close());

  it("validates both URLs with a decoded token and answers 201 with the subscription", async () => {
    const { status, json } = await h.subscribe();
    expect(status).toBe(201);
    expect(json).toMatchObject({
      "@odata.context": `${h.emulator.url}/v1.0/$metadata#subscriptions/$entity`,
      resource: "/me/mailFolders('inbox')/messages",
      applicationId: "5d3e7b1a-9c2f-4e8d-b6a4-0f1e2d3c4b5a",
      changeType: "created,updated,deleted",
      clientState: "secretClientValue",
      notificationUrl: `${h.receiver.url}/notify`,
      lifecycleNotificationUrl: `${h.receiver.url}/lifecycle`,
      creatorId: SEED_IDS.users.support,
      latestSupportedTlsVersion: "v1_2",
      includeResourceData: false,
      notificationUrlAppId: null,
    });
    expect(json.id).toMatch(/^[0-9a-f-]{36}$/);
    const validations = h.receiver.received.filter((r) => r.validationToken !== null);
    expect(validations.map((r) => r.path)).toEqual(["/notify", "/lifecycle"]);
    expect(validations[0]!.validationToken).toContain("Validation: Testing client application reachability");
    expect(validations[0]!.contentType).toBe("text/plain; charset=utf-8");
    expect(validations[0]!.body).toBe("");
  });

  it("fails with ValidationError when the receiver echoes the wrong body", async () => {
    h.receiver.respond = (r) => ({
      status: 200,
      body: r.validationToken ? encodeURIComponent(r.validationToken) : "",
    });
    const { status, json } = await h.subscribe();
    expect(status).toBe(400);
    expect(json.error).toMatchObject(VALIDATION_ERRORS.wrongBody);
  });

  it("fails with ValidationError when the receiver does not answer 200", async () => {
    h.receiver.respond = () => ({ status: 202 });
    const { status, json } = await h.subscribe();
    expect(status).toBe(400);
    expect(json.error?.message).toBe(
      "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
    );
  });

  it("fails when only the lifecycle URL answers wrongly", async () => {
    h.receiver.respond = (r) =>
      r.path === "/lifecycle" ? { status: 500 } : { status: 200, body: r.validationToken ?? "" };
    const { status, json } = await h.subscribe();
    expect(status).toBe(400);
    expect(json.error?.code).toBe("ValidationError");
  });

  it("times out a slow receiver after the validation timeout", async () => {
    h.runtime.configure({ validationTimeoutMs: 200 });
    h.receiver.respond = () => "hang";
    const { status, json } = await h.subscribe();
    expect(status).toBe(400);
    expect(json.error).toMatchObject({
      code: "InvalidRequest",
      message: "Subscription validation request timed out.",
    });
  });

  it("rejects an expiration beyond the limit with the limit in the message, and accepts the learnt limit", async () => {
    h.runtime.configure({ maxExpirationMinutes: 4230 });
    const tooLong = await h.subscribe({ expirationDateTime: h.inMinutes(10_080) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.error).toMatchObject({
      code: "ExtensionError",
      message: "Subscription expiration can only be 4230 minutes in the future.",
    });
    const limit = Number(/(\d+) minutes/.exec(tooLong.json.error!.message)![1]);
    const retried = await h.subscribe({ expirationDateTime: h.inMinutes(limit - 1) });
    expect(retried.status).toBe(201);
  });

  it("allows 10,080 minutes by default and refuses a past or missing expiration", async () => {
    expect((await h.subscribe({ expirationDateTime: h.inMinutes(10_080) })).status).toBe(201);
    expect((await h.subscribe({ expirationDateTime: h.inMinutes(10_081) })).status).toBe(400);
    expect((await h.subscribe({ expirationDateTime: h.inMinutes(-1) })).json.error?.code).toBe(
      "ExtensionError",
    );
    const missing = await h.subscribe({ expirationDateTime: undefined });
    expect(missing.json.error?.message).toBe(
      "expirationDateTime is a required property for subscription creation.",
    );
  });

  it("refuses http notification URLs when allowHttpNotificationUrl is off", async () => {
    h.runtime.configure({ allowHttpNotificationUrl: false });
    const { status, json } = await h.subscribe();
    expect(status).toBe(400);
    expect(json.error?.message).toContain("HTTPS");
  });

  it("checks changeType, clientState length and resource", async () => {
    expect((await h.subscribe({ changeType: "created,moved" })).status).toBe(400);
    expect((await h.subscribe({ clientState: "x".repeat(129) })).status).toBe(400);
    expect((await h.subscribe({ clientState: "x".repeat(128) })).status).toBe(201);
    expect((await h.subscribe({ resource: "/me/events" })).status).toBe(400);
    expect((await h.subscribe({ resource: "me/mailFolders('NoSuchFolder')/messages" })).status).toBe(404);
  });

  it("accepts the documented resource forms", async () => {
    const uid = SEED_IDS.users.support;
    for (const resource of [
      "me/mailFolders('Inbox')/messages",
      "/me/messages",
      `/users/${uid}/messages`,
      `/users/support@contoso.com/mailFolders/sentitems/messages`,
    ]) {
      const { status, json } = await h.subscribe({ resource });
      expect(status, resource).toBe(201);
      expect(json.resource).toBe(resource);
    }
  });

  it("refuses another user's mailbox with a delegated token, and a token without mail permission", async () => {
    const other = await h.subscribe({ resource: `/users/${SEED_IDS.users.alex}/messages` });
    expect(other.status).toBe(403);
    expect(other.json.error?.code).toBe("ExtensionError");
    const noMail = await h.subscribe({}, h.token(SEED_IDS.users.support, ["User.Read"]));
    expect(noMail.status).toBe(403);
    expect((await h.subscribe({}, "not-a-token")).status).toBe(401);
  });

  it("answers 403 past the subscriptions-per-mailbox limit", async () => {
    h.runtime.configure({ maxSubscriptionsPerMailbox: 2 });
    expect((await h.subscribe()).status).toBe(201);
    expect((await h.subscribe()).status).toBe(201);
    const third = await h.subscribe();
    expect(third.status).toBe(403);
    expect(third.json.error?.code).toBe("ExtensionError");
  });

  it("lists and gets the caller's subscriptions only", async () => {
    const mine = (await h.subscribe()).json;
    const alexToken = h.token(SEED_IDS.users.alex);
    await h.subscribe({}, alexToken);
    const list = await h.call("GET", "/v1.0/subscriptions");
    expect((list.json.value as { id: string }[]).map((s) => s.id)).toEqual([mine.id]);
    expect((await h.call("GET", `/v1.0/subscriptions/${mine.id}`)).json.id).toBe(mine.id);
    expect((await h.call("GET", `/v1.0/subscriptions/${mine.id}`, undefined, alexToken)).status).toBe(404);
  });

  it("renews with PATCH under the same limit and answers 404 for unknown ids", async () => {
    const { json } = await h.subscribe();
    const renewed = await h.call("PATCH", `/v1.0/subscriptions/${json.id}`, {
      expirationDateTime: h.inMinutes(9000),
    });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.json.expirationDateTime as string)).toBe(Date.parse(h.inMinutes(9000)));
    const tooLong = await h.call("PATCH", `/v1.0/subscriptions/${json.id}`, {
      expirationDateTime: h.inMinutes(20_000),
    });
    expect(tooLong.json.error?.message).toBe(
      "Subscription expiration can only be 10080 minutes in the future.",
    );
    const unknown = await h.call("PATCH", "/v1.0/subscriptions/00000000-0000-0000-0000-000000000000", {
      expirationDateTime: h.inMinutes(60),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({
      code: "ResourceNotFound",
      message: "The object was not found.",
    });
  });

  it("deletes with 204, after which the subscription is gone", async () => {
    const { json } = await h.subscribe();
    expect((await h.call("DELETE", `/v1.0/subscriptions/${json.id}`)).status).toBe(204);
    expect((await h.call("GET", `/v1.0/subscriptions/${json.id}`)).status).toBe(404);
    expect((await h.call("DELETE", `/v1.0/subscriptions/${json.id}`)).status).toBe(404);
  });

  it("answers 404 once a subscription has expired by the clock", async () => {
    const { json } = await h.subscribe({ expirationDateTime: h.inMinutes(30) });
    h.emulator.clock.advance(31 * 60_000);
    expect((await h.call("GET", `/v1.0/subscriptions/${json.id}`)).status).toBe(404);
    expect(h.ctx.store.state.subscriptions.has(json.id)).toBe(false);
  });

  it("fails validation on demand through the control API", async () => {
    const fault = await h.call("POST", "/_emulator/notifications/faults", {
      kind: "validation",
      outcome: "non200",
      count: 1,
    });
    expect(fault.status).toBe(201);
    expect((await h.subscribe()).json.error).toMatchObject(VALIDATION_ERRORS.non200);
    expect((await h.subscribe()).status).toBe(201);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClock } from "../clock.ts";
import { SEED_IDS } from "../seed/default.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import type { BatchItemResponse } from "./run-in-order.ts";
import { createMailboxProbe, delegatedToken, PNG_BYTES, waitFor } from "./testing/mailbox-probe.ts";

interface BatchAnswer {
  responses: BatchItemResponse[];
}
type GraphErrorAnswer = { error: { code: string; message: string } };

describe("POST /v1.0/$batch", () => {
  let emulator: Emulator;
  let token: string;
  const probe = createMailboxProbe();
  const batch = (body: unknown) =>
    emulatorFetch(emulator, "/v1.0/$batch", jsonInit("POST", body, { authorization: `Bearer ${token}` }));
  const batchOk = async (requests: unknown[]): Promise<Map<string, BatchItemResponse>> => {
    const response = await batch({ requests });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as BatchAnswer;
    return new Map(answer.responses.map((item) => [item.id, item]));
  };
  const get = (id: string, url: string, extra: object = {}) => ({ id, method: "GET", url, ...extra });

  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 0 }), extraModules: [probe.module] });
  });
  // A fresh token per test: reset() restores the seed, whose password time is "now" (CAE revocation).
  beforeEach(() => {
    token = delegatedToken(emulator);
  });
  afterEach(() => {
    emulator.reset();
    probe.calls.length = 0;
  });
  afterAll(() => emulator.close());

  it("runs each item through the real routes and answers 200 application/json", async () => {
    const response = await batch({
      requests: [
        get("1", "/me/emulatorProbe/a?$top=1"),
        get("2", "me/emulatorProbe/b"),
        get("3", `/users/${SEED_IDS.users.alex}/emulatorProbe/c`),
        {
          id: "4",
          method: "POST",
          url: "/me/emulatorProbe/d",
          headers: { "Content-Type": "application/json" },
          body: { subject: "hi" },
        },
      ],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const { responses } = (await response.json()) as BatchAnswer;
    const byId = new Map(responses.map((item) => [item.id, item]));
    expect(byId.get("1")).toMatchObject({ status: 200, headers: { "Content-Type": "application/json" } });
    expect(byId.get("1")?.body).toMatchObject({ name: "a", mailboxId: SEED_IDS.users.support });
    expect(byId.get("2")?.body).toMatchObject({ name: "b" });
    expect(byId.get("3")?.body).toMatchObject({ mailboxId: SEED_IDS.users.alex });
    expect(byId.get("4")).toMatchObject({ status: 201, body: { received: { subject: "hi" } } });
  });

  it("accepts the /v1.0 prefix that Graph SDKs leave in item urls", async () => {
    const byId = await batchOk([get("1", "/v1.0/me/emulatorProbe/a")]);
    expect(byId.get("1")?.status).toBe(200);
  });

  it("refuses more than 20 requests with 400 BadRequest", async () => {
    const requests = Array.from({ length: 21 }, (_, i) => get(String(i + 1), "/me/emulatorProbe/a"));
    const response = await batch({ requests });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: "BadRequest", message: "The batch request contains more than 20 requests." },
    });
    expect(probe.calls).toEqual([]);
  });

  it("accepts exactly 20 requests", async () => {
    const requests = Array.from({ length: 20 }, (_, i) => get(String(i + 1), "/me/emulatorProbe/a"));
    const byId = await batchOk(requests);
    expect([...byId.values()].every((item) => item.status === 200)).toBe(true);
  });

  it("refuses duplicate ids (case-insensitive), unknown dependsOn, cycles, mixed sequencing and malformed bodies", async () => {
    const cases: [unknown, string][] = [
      [
        { requests: [get("a", "/me"), get("A", "/me")] },
        "The batch request contains a duplicate request id 'A'.",
      ],
      [
        { requests: [get("1", "/me", { dependsOn: ["9"] })] },
        "Request '1' depends on '9', which is not a request of this batch.",
      ],
      [
        { requests: [get("1", "/me", { dependsOn: ["2"] }), get("2", "/me", { dependsOn: ["1"] })] },
        "The dependsOn property of the batch requests forms a cycle.",
      ],
      // The doc's tip: "Batch should be either fully sequential or fully parallel".
      [
        { requests: [get("1", "/me"), get("2", "/me", { dependsOn: ["1"] }), get("3", "/me")] },
        "Batch should be either fully sequential or fully parallel",
      ],
      [{ requests: [{ id: "1", url: "/me" }] }, "Invalid batch payload format."],
      [{ requests: [] }, "The batch request must contain at least one request."],
    ];
    for (const [body, message] of cases) {
      const response = await batch(body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as GraphErrorAnswer).error).toMatchObject({
        code: "BadRequest",
        message,
      });
    }
  });

  it("runs dependsOn chains in order", async () => {
    await batchOk([
      get("1", "/me/emulatorProbe/first"),
      get("3", "/me/emulatorProbe/third", { dependsOn: ["4"] }),
      get("2", "/me/emulatorProbe/second", { dependsOn: ["1"] }),
      get("4", "/me/emulatorProbe/fourth", { dependsOn: ["2"] }),
    ]);
    expect(probe.calls).toEqual(["GET first", "GET second", "GET fourth", "GET third"]);
  });

  it("answers 424 FailedDependency for items whose dependency failed, without running them", async () => {
    const byId = await batchOk([
      get("1", "/me/emulatorProbe/broken?status=404"),
      get("2", "/me/emulatorProbe/after", { dependsOn: ["1"] }),
      get("3", "/me/emulatorProbe/later", { dependsOn: ["2"] }),
    ]);
    expect(byId.get("1")?.status).toBe(404);
    expect(byId.get("2")).toMatchObject({ status: 424, body: { error: { code: "FailedDependency" } } });
    expect(byId.get("3")?.status).toBe(424);
    expect(probe.calls).toEqual(["GET broken"]);
  });

  it("gives a throttled item its own 429 and Retry-After while the others succeed", async () => {
    await emulatorFetch(
      emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", { count: 1, retryAfterSeconds: 7, pathPrefix: "/v1.0/me/emulatorProbe/b" }),
    );
    const byId = await batchOk([get("1", "/me/emulatorProbe/a"), get("2", "/me/emulatorProbe/b")]);
    expect(byId.get("1")?.status).toBe(200);
    expect(byId.get("2")).toMatchObject({
      status: 429,
      headers: { "Retry-After": "7", "Content-Type": "application/json" },
      body: { error: { code: "TooManyRequests" } },
    });
  });

  it("runs at most 4 items at a time, so a batch alone never trips the concurrency limit", async () => {
    await emulatorFetch(emulator, "/_emulator/faults/latency", jsonInit("POST", { ms: 1_000 }));
    const requests = Array.from({ length: 6 }, (_, i) => get(String(i + 1), `/me/emulatorProbe/p${i}`));
    const pending = batch({ requests });
    const inFlight = async () =>
      (
        (await (await emulatorFetch(emulator, "/_emulator/throttle")).json()) as {
          usage: { inFlight: number }[];
        }
      ).usage[0]?.inFlight ?? 0;
    await waitFor(async () => (await inFlight()) === 4);
    emulator.clock.advance(1_000);
    await waitFor(async () => (await inFlight()) === 2);
    emulator.clock.advance(1_000);
    const answer = (await (await pending).json()) as BatchAnswer;
    expect(answer.responses.map((item) => item.status)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it("items count toward the mailbox's concurrency: a busy mailbox throttles batch items", async () => {
    await emulatorFetch(emulator, "/_emulator/faults/latency", jsonInit("POST", { ms: 1_000, count: 4 }));
    const direct = Array.from({ length: 4 }, () =>
      emulatorFetch(emulator, "/v1.0/me/emulatorProbe/direct", {
        headers: { authorization: `Bearer ${token}` },
      }),
    );
    const throttleUsage = async () =>
      (
        (await (await emulatorFetch(emulator, "/_emulator/throttle")).json()) as {
          usage: { inFlight: number }[];
        }
      ).usage[0]?.inFlight ?? 0;
    await waitFor(async () => (await throttleUsage()) === 4);
    const byId = await batchOk([get("1", "/me/emulatorProbe/a")]);
    expect(byId.get("1")).toMatchObject({ status: 429, headers: { "Retry-After": "1" } });
    emulator.clock.advance(1_000);
    expect((await Promise.all(direct)).map((response) => response.status)).toEqual([200, 200, 200, 200]);
  });

  it("returns non-JSON item bodies base64-encoded", async () => {
    const byId = await batchOk([get("1", "/me/emulatorProbe/photo/$value")]);
    expect(byId.get("1")).toMatchObject({ status: 200, headers: { "Content-Type": "image/png" } });
    expect(byId.get("1")?.body).toBe(PNG_BYTES.toString("base64"));
  });

  it("refuses nested batches, absolute urls and bodies without Content-Type per item", async () => {
    const byId = await batchOk([
      { id: "1", method: "POST", url: "/$batch", headers: { "Content-Type": "application/json" }, body: {} },
      get("2", "https://graph.microsoft.com/v1.0/me"),
      { id: "3", method: "POST", url: "/me/emulatorProbe/a", body: { a: 1 } },
    ]);
    for (const id of ["1", "2", "3"])
      expect(byId.get(id)).toMatchObject({ status: 400, body: { error: { code: "BadRequest" } } });
  });

  it("answers 401 InvalidAuthenticationToken to a batch without a valid token", async () => {
    const response = await emulatorFetch(
      emulator,
      "/v1.0/$batch",
      jsonInit("POST", { requests: [get("1", "/me/emulatorProbe/a")] }),
    );
    expect(response.status).toBe(401);
    expect(((await response.json()) as GraphErrorAnswer).error.code).toBe("InvalidAuthenticationToken");
    expect(probe.calls).toEqual([]);
  });

  it("counts every item under its own route in the request counters", async () => {
    await emulatorFetch(emulator, "/_emulator/counters/reset", { method: "POST" });
    await batchOk([get("1", "/me/emulatorProbe/a"), get("2", "/me/emulatorProbe/b?status=404")]);
    const counters = (await (await emulatorFetch(emulator, "/_emulator/counters")).json()) as {
      endpoints: Record<string, { count: number; byStatus: Record<string, number> }>;
    };
    expect(counters.endpoints["POST /v1.0/$batch"]).toEqual({ count: 1, byStatus: { "200": 1 } });
    expect(counters.endpoints["GET /v1.0/me/emulatorProbe/:name"]).toEqual({
      count: 2,
      byStatus: { "200": 1, "404": 1 },
    });
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMailboxProbe, delegatedToken, waitFor } from "../batch/testing/mailbox-probe.ts";
import { createClock } from "../clock.ts";
import { SEED_IDS } from "../seed/default.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import type { FaultRule } from "./fault-rules.ts";

describe("HTTP faults", () => {
  let emulator: Emulator;
  let token: string;
  const probe = createMailboxProbe();
  const call = (path = "/v1.0/me/emulatorProbe/a", method = "GET") =>
    emulatorFetch(emulator, path, { method, headers: { authorization: `Bearer ${token}` } });
  const addFault = async (kind: "burst" | "latency", body: unknown): Promise<FaultRule> => {
    const response = await emulatorFetch(emulator, `/_emulator/faults/${kind}`, jsonInit("POST", body));
    expect(response.status).toBe(201);
    return (await response.json()) as FaultRule;
  };
  const listFaults = async (): Promise<FaultRule[]> =>
    ((await (await emulatorFetch(emulator, "/_emulator/faults")).json()) as { faults: FaultRule[] }).faults;

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

  it("answers a burst of N requests 429 TooManyRequests with Graph's throttling body, then recovers", async () => {
    await addFault("burst", { count: 2, retryAfterSeconds: 2.5 });
    for (let i = 0; i < 2; i++) {
      const response = await call();
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBe("2.5");
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toMatchObject({
        error: {
          code: "TooManyRequests",
          message: "Please retry again later.",
          innerError: { code: "429", status: "429", message: "Please retry after" },
        },
      });
    }
    expect((await call()).status).toBe(200);
    expect(probe.calls.filter((name) => name === "GET a")).toHaveLength(1);
  });

  it("answers a 503 burst ServiceUnavailable with Retry-After", async () => {
    await addFault("burst", { status: 503, count: 1, retryAfterSeconds: 3 });
    const response = await call();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("ServiceUnavailable");
    expect((await call()).status).toBe(200);
  });

  it("takes code, message and a missing Retry-After from the rule", async () => {
    await addFault("burst", { code: "ApplicationThrottled", message: "slow down", retryAfterSeconds: null });
    const response = await call();
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.json()).toMatchObject({
      error: { code: "ApplicationThrottled", message: "slow down" },
    });
  });

  it("only hits requests matching method, path prefix and mailbox", async () => {
    await addFault("burst", {
      method: "POST",
      pathPrefix: "/v1.0/users/",
      mailbox: "alex@contoso.com",
      count: 5,
    });
    expect((await call()).status).toBe(200);
    expect((await call(`/v1.0/users/${SEED_IDS.users.alex}/emulatorProbe/a`)).status).toBe(200);
    expect((await call(`/v1.0/users/${SEED_IDS.users.support}/emulatorProbe/a`, "POST")).status).toBe(201);
    expect((await call(`/v1.0/users/alex@contoso.com/emulatorProbe/a`, "POST")).status).toBe(429);
    expect((await call(`/v1.0/users/${SEED_IDS.users.alex}/emulatorProbe/a`, "POST")).status).toBe(429);
  });

  it("hits only the exact path a rule names, whatever the query", async () => {
    await addFault("burst", { path: "/v1.0/me/emulatorProbe/a", count: 5 });
    expect((await call("/v1.0/me/emulatorProbe/a/$value")).status).toBe(200);
    expect((await call("/v1.0/me/emulatorProbe/ab")).status).toBe(200);
    expect((await call("/v1.0/me/emulatorProbe/a?$top=1")).status).toBe(429);
    expect((await call()).status).toBe(429);
    expect((await listFaults())[0]).toMatchObject({ path: "/v1.0/me/emulatorProbe/a", remaining: 3 });
  });

  it("leaves the control API and non-Graph paths alone", async () => {
    await addFault("burst", { count: 5 });
    expect((await emulatorFetch(emulator, "/_emulator/health")).status).toBe(200);
    expect((await listFaults())[0]?.remaining).toBe(5);
  });

  it("adds latency on the emulator clock: the answer waits until time moves", async () => {
    await addFault("latency", { ms: 2_000, count: 1 });
    let answered = false;
    const pending = call().then((response) => {
      answered = true;
      return response;
    });
    await waitFor(async () => ((await listFaults())[0]?.firedAt.length ?? 0) === 1);
    emulator.clock.advance(1_999);
    await listFaults(); // a full round trip: had the delay ended, the route would have answered by now
    expect(answered).toBe(false);
    expect(probe.calls).toEqual([]);
    emulator.clock.advance(1);
    expect((await pending).status).toBe(200);
    expect((await call()).status).toBe(200); // count 1: the next request is not delayed
  });

  it("adds jitter within [ms, ms + jitterMs]", async () => {
    await addFault("latency", { ms: 100, jitterMs: 50 });
    const pending = call();
    await waitFor(async () => ((await listFaults())[0]?.firedAt.length ?? 0) === 1);
    emulator.clock.advance(150);
    expect((await pending).status).toBe(200);
  });

  it("removes one fault by id and clears them all", async () => {
    const burst = await addFault("burst", { count: 3 });
    await addFault("latency", { ms: 5 });
    expect(
      (await emulatorFetch(emulator, `/_emulator/faults/${burst.id}`, { method: "DELETE" })).status,
    ).toBe(204);
    expect((await listFaults()).map((fault) => fault.kind)).toEqual(["latency"]);
    expect((await emulatorFetch(emulator, "/_emulator/faults/clear", { method: "POST" })).status).toBe(204);
    expect(await listFaults()).toEqual([]);
    expect((await call()).status).toBe(200);
  });

  it("rejects invalid fault rules", async () => {
    const response = await emulatorFetch(
      emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", { status: 500 }),
    );
    expect(response.status).toBe(400);
  });

  it("forgets faults on reset", async () => {
    await addFault("burst", { count: 3 });
    await emulatorFetch(emulator, "/_emulator/reset", { method: "POST" });
    expect(await listFaults()).toEqual([]);
  });
});

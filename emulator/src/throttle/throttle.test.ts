import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMailboxProbe, delegatedToken, waitFor } from "../batch/testing/mailbox-probe.ts";
import { createClock } from "../clock.ts";
import { SEED_IDS } from "../seed/default.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";

interface ThrottleView {
  config: { enabled: boolean; maxConcurrent: number; requestsPerWindow: number };
  usage: { mailboxId: string; inFlight: number; requestsInWindow: number }[];
}

describe("Outlook-like throttling", () => {
  let emulator: Emulator;
  let token: string;
  const probe = createMailboxProbe();
  const get = (path = "/v1.0/me/emulatorProbe/a") =>
    emulatorFetch(emulator, path, { headers: { authorization: `Bearer ${token}` } });
  const control = (method: string, path: string, body?: unknown) =>
    emulatorFetch(emulator, `/_emulator${path}`, body === undefined ? { method } : jsonInit(method, body));
  const usage = async (): Promise<ThrottleView> =>
    (await (await control("GET", "/throttle")).json()) as ThrottleView;

  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 0 }), extraModules: [probe.module] });
  });
  // A fresh token per test: reset() restores the seed, whose password time is "now" (CAE revocation).
  beforeEach(() => {
    token = delegatedToken(emulator);
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("starts with Outlook's limits: 4 concurrent and 10,000 per 10 minutes", async () => {
    const view = await usage();
    expect(view.config).toMatchObject({
      enabled: true,
      maxConcurrent: 4,
      requestsPerWindow: 10_000,
      windowSeconds: 600,
    });
  });

  it("answers the fifth concurrent request to one mailbox 429 MailboxConcurrency with Retry-After", async () => {
    await control("POST", "/faults/latency", { ms: 1_000, pathPrefix: "/v1.0/me/emulatorProbe" });
    const pending = Array.from({ length: 5 }, () => get());
    await waitFor(async () => (await usage()).usage[0]?.inFlight === 4);
    const throttled = await Promise.race(pending);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(await throttled.json()).toMatchObject({
      error: { code: "ApplicationThrottled", message: "Application is over its MailboxConcurrency limit." },
    });
    emulator.clock.advance(1_000);
    const statuses = (await Promise.all(pending)).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await usage()).usage[0]?.inFlight).toBe(0);
  });

  it("keeps mailboxes apart: another mailbox is not affected by a busy one", async () => {
    await control("POST", "/faults/latency", { ms: 1_000, pathPrefix: "/v1.0/me/emulatorProbe" });
    const pending = Array.from({ length: 4 }, () => get());
    await waitFor(async () => (await usage()).usage[0]?.inFlight === 4);
    const other = await get(`/v1.0/users/${SEED_IDS.users.alex}/emulatorProbe/b`);
    expect(other.status).toBe(200);
    emulator.clock.advance(1_000);
    expect((await Promise.all(pending)).every((response) => response.status === 200)).toBe(true);
  });

  it("answers 429 once the window's budget is spent, and admits again after the window", async () => {
    await control("PATCH", "/throttle", { requestsPerWindow: 3 });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
    emulator.clock.advance(60_000);
    const over = await get();
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBe(540);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe("ApplicationThrottled");
    emulator.clock.advance(540_000);
    expect((await get()).status).toBe(200);
  });

  it("can be switched off and on at runtime", async () => {
    await control("PATCH", "/throttle", { requestsPerWindow: 1 });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(429);
    await control("PATCH", "/throttle", { enabled: false });
    expect((await get()).status).toBe(200);
    await control("PATCH", "/throttle", { enabled: true });
    expect((await get()).status).toBe(429);
  });

  it("forgets usage on /_emulator/throttle/reset and restores the limits on reset", async () => {
    await control("PATCH", "/throttle", { requestsPerWindow: 1 });
    await get();
    expect((await get()).status).toBe(429);
    expect((await control("POST", "/throttle/reset")).status).toBe(204);
    expect((await get()).status).toBe(200);
    expect((await control("POST", "/reset")).status).toBe(204);
    expect((await usage()).config.requestsPerWindow).toBe(10_000);
  });

  it("rejects unknown or invalid settings", async () => {
    expect((await control("PATCH", "/throttle", { maxConcurrent: 0 })).status).toBe(400);
    expect((await control("PATCH", "/throttle", { burst: 3 })).status).toBe(400);
  });

  it("does not throttle requests without a token or outside a mailbox", async () => {
    await control("PATCH", "/throttle", { requestsPerWindow: 1 });
    for (let i = 0; i < 3; i++) {
      const anonymous = await emulatorFetch(emulator, "/v1.0/me/emulatorProbe/a");
      expect(anonymous.status).toBe(200);
    }
    expect((await usage()).usage).toEqual([]);
  });
});

describe("throttling options of createEmulator", () => {
  it("takes limits from createEmulator({ throttle })", async () => {
    const probe = createMailboxProbe();
    const emulator = await createEmulator({
      clock: createClock({ timeScale: 0 }),
      extraModules: [probe.module],
      throttle: { requestsPerWindow: 2, windowSeconds: 60 },
    });
    try {
      const token = delegatedToken(emulator);
      const init = { headers: { authorization: `Bearer ${token}` } };
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push((await emulatorFetch(emulator, "/v1.0/me/emulatorProbe/a", init)).status);
      expect(statuses).toEqual([200, 200, 429]);
      emulator.clock.advance(60_000);
      expect((await emulatorFetch(emulator, "/v1.0/me/emulatorProbe/a", init)).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });
});

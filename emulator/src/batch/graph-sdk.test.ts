/**
 * Contract tests with Microsoft's own JavaScript SDK (@microsoft/microsoft-graph-client 3) against
 * the emulator's real mail routes over HTTPS: JSON batching with dependsOn, and the RetryHandler
 * honouring Retry-After on 429 and 503. The SDK uses the global fetch: it trusts the emulator's CA
 * through undici's global dispatcher (`fetchOptions: { dispatcher }` works at run time too, but
 * undici 7's Agent type doesn't match Node 20's bundled fetch types). The SDK only attaches the
 * token to hosts listed in `customHosts`.
 */
import {
  BatchRequestContent,
  type BatchRequestStep,
  BatchResponseContent,
  Client,
  type GraphError,
} from "@microsoft/microsoft-graph-client";
import type { Message } from "@microsoft/microsoft-graph-types";
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createClock } from "../clock.ts";
import type { FaultRule } from "../faults/fault-rules.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { delegatedToken } from "./testing/mailbox-probe.ts";

/** The process's dispatcher before this file set its own: given back at the end (ADR 021). */
const previousDispatcher = getGlobalDispatcher();

function sdkClient(emulator: Emulator, token: () => string): Client {
  setGlobalDispatcher(new Agent({ connect: { ca: emulator.caPem } }));
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => token() },
    baseUrl: `${emulator.url}/`,
    customHosts: new Set(["localhost"]),
  });
}

const addFault = async (emulator: Emulator, kind: "burst" | "latency", body: unknown): Promise<FaultRule> =>
  (await (
    await emulatorFetch(emulator, `/_emulator/faults/${kind}`, jsonInit("POST", body))
  ).json()) as FaultRule;

const faults = async (emulator: Emulator): Promise<FaultRule[]> =>
  ((await (await emulatorFetch(emulator, "/_emulator/faults")).json()) as { faults: FaultRule[] }).faults;

const counter = async (emulator: Emulator, key: string) =>
  (
    (await (await emulatorFetch(emulator, "/_emulator/counters")).json()) as {
      endpoints: Record<string, { count: number; byStatus: Record<string, number> }>;
    }
  ).endpoints[key];

describe("Graph SDK batching against the emulator", () => {
  let emulator: Emulator;
  let token: string;
  let client: Client;
  const step = (
    id: string,
    path: string,
    init: RequestInit = {},
    dependsOn?: string[],
  ): BatchRequestStep => ({
    id,
    request: new Request(`${emulator.url}/v1.0${path}`, { method: "GET", ...init }),
    ...(dependsOn ? { dependsOn } : {}),
  });

  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 0 }) });
    client = sdkClient(emulator, () => token);
  });
  beforeEach(() => {
    emulator.reset();
    token = delegatedToken(emulator);
  });
  afterAll(async () => {
    setGlobalDispatcher(previousDispatcher);
    await emulator.close();
  });

  it("runs a serial dependsOn chain and reports 424 after a failed step", async () => {
    const content = new BatchRequestContent([
      step("1", "/me/mailFolders/inbox"),
      step("2", "/me/messages?$top=1&$select=subject", {}, ["1"]),
      step("3", "/me/messages/AAMkAGI2-does-not-exist", {}, ["2"]),
      step("4", "/me", {}, ["3"]),
    ]);
    const answer = new BatchResponseContent(await client.api("/$batch").post(await content.getContent()));
    const inbox = answer.getResponseById("1");
    expect(inbox.status).toBe(200);
    expect(inbox.headers.get("Content-Type")).toBe("application/json");
    expect(await inbox.json()).toMatchObject({ displayName: "Inbox" });
    const messages = (await answer.getResponseById("2").json()) as { value: Message[] };
    expect(messages.value).toHaveLength(1);
    expect(answer.getResponseById("3").status).toBe(404);
    const dependent = answer.getResponseById("4");
    expect(dependent.status).toBe(424);
    expect(await dependent.json()).toMatchObject({ error: { code: "FailedDependency" } });
  });

  it("runs parallel steps with bodies (PATCH) and shows their effect", async () => {
    const [first] = (
      (await client.api("/me/messages").top(1).select("id,isRead").get()) as { value: Message[] }
    ).value;
    const patch = step("patch", `/me/messages/${first?.id}`, {
      method: "PATCH",
      body: JSON.stringify({ isRead: !first?.isRead }),
      headers: { "Content-Type": "application/json" },
    });
    const content = new BatchRequestContent([patch, step("me", "/me")]);
    const answer = new BatchResponseContent(await client.api("/$batch").post(await content.getContent()));
    expect(answer.getResponseById("patch").status).toBe(200);
    expect(((await answer.getResponseById("patch").json()) as Message).isRead).toBe(!first?.isRead);
    expect(((await answer.getResponseById("me").json()) as { id: string }).id).toBeTruthy();
  });

  it("hands a throttled step back with its own 429 and Retry-After (the SDK does not retry inside batches)", async () => {
    await addFault(emulator, "burst", { count: 1, retryAfterSeconds: 3, pathPrefix: "/v1.0/me/mailFolders" });
    const content = new BatchRequestContent([step("1", "/me/mailFolders/inbox"), step("2", "/me")]);
    const answer = new BatchResponseContent(await client.api("/$batch").post(await content.getContent()));
    const throttled = answer.getResponseById("1");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("Retry-After")).toBe("3");
    expect(answer.getResponseById("2").status).toBe(200);
  });
});

describe("Graph SDK RetryHandler against the emulator's fault bursts", () => {
  // Real time here: the SDK sleeps with setTimeout, so the emulator clock runs at real speed and
  // the fault log's timestamps show when each attempt arrived.
  let emulator: Emulator;
  let client: Client;
  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 1 }) });
    const token = delegatedToken(emulator);
    client = sdkClient(emulator, () => token);
  });
  beforeEach(async () => {
    await emulatorFetch(emulator, "/_emulator/faults/clear", { method: "POST" });
    await emulatorFetch(emulator, "/_emulator/counters/reset", { method: "POST" });
  });
  afterAll(() => emulator.close());

  /** Arrival times: burst hits, then the attempt that got through (a zero-latency rule logs it). */
  async function arrivals(): Promise<number[]> {
    const [burst, pass] = await faults(emulator);
    return [...(burst?.firedAt ?? []), ...(pass?.firedAt ?? [])];
  }

  it("waits Retry-After (1 s) after a 429 and then succeeds", async () => {
    await addFault(emulator, "burst", { count: 1, retryAfterSeconds: 1, pathPrefix: "/v1.0/me" });
    await addFault(emulator, "latency", { ms: 0, pathPrefix: "/v1.0/me" });
    const me = (await client.api("/me").get()) as { userPrincipalName: string };
    expect(me.userPrincipalName).toBe("support@contoso.com");
    expect(await counter(emulator, "GET /v1.0/me")).toEqual({ count: 2, byStatus: { "429": 1, "200": 1 } });
    const [throttledAt, retriedAt] = await arrivals();
    expect(retriedAt! - throttledAt!).toBeGreaterThanOrEqual(990);
  });

  it("retries 503 with a fractional Retry-After until the burst ends", async () => {
    await addFault(emulator, "burst", {
      status: 503,
      count: 2,
      retryAfterSeconds: 0.4,
      pathPrefix: "/v1.0/me",
    });
    await addFault(emulator, "latency", { ms: 0, pathPrefix: "/v1.0/me" });
    await client.api("/me").get();
    expect(await counter(emulator, "GET /v1.0/me")).toEqual({ count: 3, byStatus: { "503": 2, "200": 1 } });
    const times = await arrivals();
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(390);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(390);
  });

  it("gives up after its 3 retries and surfaces the 429", async () => {
    await addFault(emulator, "burst", { count: 10, retryAfterSeconds: 0.1, pathPrefix: "/v1.0/me" });
    const error = (await client
      .api("/me")
      .get()
      .catch((caught: unknown) => caught)) as GraphError;
    expect(error.statusCode).toBe(429);
    expect(error.code).toBe("TooManyRequests");
    expect((await counter(emulator, "GET /v1.0/me"))?.count).toBe(4);
  });
});

import { Agent, fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "./clock.ts";
import type { EmulatorModule } from "./context.ts";
import { aadstsError } from "./errors/aadsts-error.ts";
import { graphError } from "./errors/graph-error.ts";
import { SEED_IDS } from "./seed/default.ts";
import { createEmulator, type Emulator } from "./server.ts";
import { deliverMessage } from "./store/messages.ts";
import { emulatorFetch, jsonInit } from "./testing/emulator-fetch.ts";

/** A module that exercises the shared helpers, as Graph and identity will. */
const probe: EmulatorModule = {
  name: "probe",
  plugin: async (app) => {
    app.get("/v1.0/probe/:id", async (request) => ({ id: (request.params as { id: string }).id }));
    app.get("/v1.0/probe-missing", async (_request, reply) =>
      graphError(reply, 404, "ErrorItemNotFound", "The specified object was not found in the store."),
    );
    app.post("/common/oauth2/v2.0/probe-token", async (_request, reply) =>
      aadstsError(reply, 401, {
        error: "invalid_client",
        code: 7000215,
        message: "Invalid client secret provided.",
      }),
    );
  },
};

describe("emulator server", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 0 }), extraModules: [probe] });
  });
  afterAll(() => emulator.close());

  it("serves HTTPS on a random port with a certificate its CA verifies", async () => {
    expect(emulator.url).toMatch(/^https:\/\/localhost:\d+$/);
    const response = await emulatorFetch(emulator, "/_emulator/health");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({ status: "ok", mailboxes: 5 });
  });

  it("is refused by a client that does not trust the CA", async () => {
    const untrusting = new Agent();
    await expect(fetch(`${emulator.url}/_emulator/health`, { dispatcher: untrusting })).rejects.toThrow();
    await untrusting.close();
  });

  it("answers unknown Graph paths with Graph's error shape and ids", async () => {
    const response = await emulatorFetch(emulator, "/v1.0/nowhere/at/all", {
      headers: { "client-request-id": "my-client-id" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("client-request-id")).toBe("my-client-id");
    const body = (await response.json()) as { error: { code: string; innerError: Record<string, string> } };
    expect(body.error.code).toBe("BadRequest");
    expect(body.error.innerError["request-id"]).toBe(response.headers.get("request-id"));
    expect(body.error.innerError["client-request-id"]).toBe("my-client-id");
  });

  it("sends Graph errors from modules with exactly application/json", async () => {
    const response = await emulatorFetch(emulator, "/v1.0/probe-missing");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({ error: { code: "ErrorItemNotFound" } });
  });

  it("sends AADSTS errors with Microsoft's description layout", async () => {
    const response = await emulatorFetch(emulator, "/common/oauth2/v2.0/probe-token", { method: "POST" });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(401);
    expect(body).toMatchObject({ error: "invalid_client", error_codes: [7000215] });
    expect(body.error_description).toMatch(
      /^AADSTS7000215: Invalid client secret provided\.\r\nTrace ID: [\da-f-]{36}\r\nCorrelation ID: [\da-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/,
    );
    expect(body.trace_id).toBe(response.headers.get("request-id"));
  });

  it("counts requests per method and route pattern, and resets the counts", async () => {
    await emulatorFetch(emulator, "/_emulator/counters/reset", { method: "POST" });
    await emulatorFetch(emulator, "/v1.0/probe/a");
    await emulatorFetch(emulator, "/v1.0/probe/b");
    await emulatorFetch(emulator, "/v1.0/unknown");
    const counters = (await (await emulatorFetch(emulator, "/_emulator/counters")).json()) as {
      total: number;
      endpoints: Record<string, { count: number; byStatus: Record<string, number> }>;
    };
    expect(counters.endpoints["GET /v1.0/probe/:id"]).toEqual({ count: 2, byStatus: { "200": 2 } });
    expect(counters.endpoints["GET (unmatched)"]).toEqual({ count: 1, byStatus: { "400": 1 } });
    expect(counters.total).toBe(3);
    await emulatorFetch(emulator, "/_emulator/counters/reset", { method: "POST" });
    expect(await (await emulatorFetch(emulator, "/_emulator/counters")).json()).toEqual({
      total: 0,
      endpoints: {},
    });
  });

  it("advances the virtual clock through the control API", async () => {
    const before = emulator.clock.now();
    const response = await emulatorFetch(
      emulator,
      "/_emulator/clock/advance",
      jsonInit("POST", { minutes: 90 }),
    );
    expect(response.status).toBe(200);
    expect(emulator.clock.now() - before).toBe(90 * 60_000);
  });

  it("restores the seed on reset", async () => {
    const support = emulator.store.mailbox(SEED_IDS.users.support)!;
    const seededCount = support.changes.length;
    deliverMessage(emulator.store, support, "inbox", { subject: "added by the test" });
    emulator.store.state.mailboxes.delete(SEED_IDS.users.customer);
    const response = await emulatorFetch(emulator, "/_emulator/reset", { method: "POST" });
    expect(response.status).toBe(204);
    const restored = emulator.store.mailbox("support@contoso.com")!;
    expect(restored.changes).toHaveLength(seededCount);
    expect(emulator.store.mailbox("customer@fabrikam.com")).toBeDefined();
  });

  it("accepts an empty body sent as application/json", async () => {
    const response = await emulatorFetch(emulator, "/_emulator/clock/advance", {
      method: "POST",
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(200);
  });
});

describe("module control routes", () => {
  it("are mounted under /_emulator", async () => {
    const emulator = await createEmulator({
      clock: createClock({ timeScale: 0 }),
      extraModules: [
        {
          name: "with-control",
          plugin: async () => {},
          control: async (app) => {
            app.post("/things/:id/poke", async () => ({ poked: true }));
          },
        },
      ],
    });
    try {
      const response = await emulatorFetch(emulator, "/_emulator/things/1/poke", { method: "POST" });
      expect(await response.json()).toEqual({ poked: true });
    } finally {
      await emulator.close();
    }
  });
});

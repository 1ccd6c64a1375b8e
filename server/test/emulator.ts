import { afterAll, beforeAll, beforeEach, inject } from "vitest";
import { z } from "zod";
import { issueAccessToken } from "../../emulator/src/identity/tokens.ts";
import {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
  MAILROOM_APP,
  SEED_IDS,
} from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { createGraphClient, type GraphClient } from "../src/microsoft/graph-client.ts";

/**
 * The Microsoft emulator for server tests: in-process, HTTPS on a free port, with the CA every
 * test process already trusts (see global-setup.ts). Time runs at real speed; tests move it forward with `emulator.clock.advance`.
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ port: 0, dataDir: inject("emulatorTlsDir"), persist: false, ...options });
}

/** Env that points a Mailroom server at the emulator, as `npm start` does. */
export function emulatorEnv(emulator: Emulator): Record<string, string> {
  // WEBHOOKS=on: the emulator delivers notifications to the test server's http://127.0.0.1 URL.
  return { MICROSOFT_LOGIN_URL: emulator.url, MICROSOFT_GRAPH_URL: emulator.url, WEBHOOKS: "on" };
}

/**
 * A Graph client as Mailroom's app signed in to the seed's support@contoso.com, with a token the
 * emulator issues directly (no OAuth round): for tests of the Graph calls themselves.
 */
export function supportGraph(
  emulator: Emulator,
  scopes = ["User.Read", "Mail.ReadWrite", "offline_access"],
): GraphClient {
  const token = issueAccessToken(emulator.app.emulator, {
    tenantId: SEED_IDS.tenants.contoso,
    clientId: MAILROOM_APP.clientId,
    userId: SEED_IDS.users.support,
    scopes,
  }).accessToken;
  return createGraphClient({ graphUrl: emulator.url, accessToken: async () => token });
}

/** No injected faults, request counters at zero: each test starts from a quiet emulator. */
export async function quietEmulator(emulator: Emulator): Promise<void> {
  await emulatorFetch(emulator, "/_emulator/faults/clear", jsonInit("POST", {}));
  await emulatorFetch(emulator, "/_emulator/counters/reset", jsonInit("POST", {}));
}

/**
 * For a file of tests of Graph calls: the emulator (started before the file's tests, quiet before
 * each, closed after) and a client as support@contoso.com. Read its fields inside tests.
 */
export function useEmulatorGraph(): { emulator: Emulator; graph: GraphClient } {
  const world = {} as { emulator: Emulator; graph: GraphClient };
  beforeAll(async () => {
    world.emulator = await startTestEmulator();
    world.graph = supportGraph(world.emulator);
  });
  afterAll(async () => {
    await world.emulator?.close();
  });
  beforeEach(() => quietEmulator(world.emulator));
  return world;
}

/** Graph requests the emulator answered since its counters were last reset, by endpoint. */
export async function requestCounts(emulator: Emulator): Promise<Record<string, number>> {
  const res = await emulatorFetch(emulator, "/_emulator/counters");
  const body = z
    .object({ endpoints: z.record(z.string(), z.object({ count: z.number() })) })
    .parse(await res.json());
  return Object.fromEntries(Object.entries(body.endpoints).map(([k, v]) => [k, v.count]));
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../emulator/src/identity/sign-in-driver.ts";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import type { LiveEvent } from "../src/events/bus.ts";
import { runSyncSweep } from "../src/sync/delta/sweep.ts";
import { syncChannel } from "../src/sync/delta/sync-channel.ts";
import { runSyncChannelJob } from "../src/sync/delta/sync-jobs.ts";
import type { TestClient, TestServer } from "./harness.ts";
import {
  cancelWaitingSweeps,
  followCallback,
  registerApp,
  SUPPORT,
  startConnectedMailbox,
  syncAtRest,
} from "./outlook-helpers.ts";
import {
  auditOf,
  channelRow,
  jobDeps,
  microsoftCalls,
  reconnectThroughMicrosoft,
  resetCounters,
} from "./reauth-helpers.ts";

/**
 * Issue 12: every re-authentication trigger, made by the emulator as Microsoft makes it, turns the
 * channel "needs_reauth" with the right reason within one sweep (the sweep's job, run here), with an
 * audit entry and a live event — and afterwards Mailroom makes no further call to Microsoft for it.
 * Between triggers the channel is reconnected through Microsoft's sign-in.
 */
const SWEEP_MS = 15 * 60_000;
let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let channelId: string;
let orgId: string;
let account = { ...SUPPORT };
const events: LiveEvent[] = [];

beforeAll(async () => {
  ({ emulator, server, admin, channelId, orgId } = await startConnectedMailbox());
  server.mailroom.events.subscribe(orgId, (e) => events.push(e));
  await syncAtRest(server.database.db, channelId);
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

const control = (path: string, init?: Parameters<typeof emulatorFetch>[2]) =>
  emulatorFetch(emulator, `/_emulator${path}`, init);

/** What one sweep interval does for the channel: the clock moves on and the sweep's job runs. */
async function oneSweep(): Promise<void> {
  emulator.clock.advance(SWEEP_MS);
  await cancelWaitingSweeps(server, channelId);
  await runSyncChannelJob(jobDeps(server), { channelId, reason: "sweep" });
}

/** Flagged with `reason`, audited, told live; then sweeps, polls and notifications call nobody. */
async function expectFlagged(reason: string): Promise<void> {
  const row = await channelRow(server.database.db, channelId);
  expect({ status: row.status, reason: row.statusReason }).toEqual({ status: "needs_reauth", reason });
  expect(row.accessTokenSealed).toBeNull();
  const audit = await auditOf(server.database.db, channelId);
  expect(audit.at(-1)).toMatchObject({ action: "needs_reauth", reason });
  expect(events).toContainEqual({
    type: "channels.attention",
    data: { channelId, status: "needs_reauth", reason },
  });
  const attention = await admin.get<{ channels: { id: string; reason: string }[] }>(
    "/api/channels/attention",
  );
  expect(attention.body.channels).toEqual([expect.objectContaining({ id: channelId, reason })]);

  await syncAtRest(server.database.db, channelId);
  await resetCounters(emulator);
  const deps = jobDeps(server);
  expect((await runSyncSweep({ ...deps, queue: server.mailroom.queue })).enqueued).toBe(0);
  await runSyncChannelJob(deps, { channelId, reason: "sweep" });
  expect(await syncChannel(deps, channelId, { reason: "notification" })).toMatchObject({ skipped: true });
  emulator.clock.advance(SWEEP_MS);
  await runSyncChannelJob(deps, { channelId, reason: "sweep" });
  expect(await microsoftCalls(emulator)).toEqual({});
  // Only one entry for the one refusal, however many jobs looked since.
  expect(
    (await auditOf(server.database.db, channelId)).filter((a) => a.action === "needs_reauth").length,
  ).toBe(audit.filter((a) => a.action === "needs_reauth").length);
}

/** Back to connected through Microsoft's sign-in, and quiet. */
async function reconnect(): Promise<void> {
  const { location } = await reconnectThroughMicrosoft(admin, emulator, channelId, account);
  expect(location).toBe(`/settings/channels/${channelId}?reconnected=1`);
  expect((await channelRow(server.database.db, channelId)).status).toBe("connected");
  await syncAtRest(server.database.db, channelId);
}

describe("re-authentication triggers, each detected within one sweep", () => {
  it("refresh token revoked (AADSTS50173)", async () => {
    await control(`/users/${SUPPORT.login}/revoke`, { method: "POST" });
    await oneSweep();
    await expectFlagged("grant_revoked");
    await reconnect();
  });

  it("password changed (AADSTS50173)", async () => {
    account = { ...SUPPORT, password: "N3w-passw0rd!" };
    await control(`/users/${SUPPORT.login}/password`, jsonInit("POST", { password: account.password }));
    await oneSweep();
    await expectFlagged("grant_revoked");
    await reconnect();
  });

  it("grant expired (AADSTS70008): the access token still works, only the sweep's refresh tells", async () => {
    await control(`/users/${SUPPORT.login}/refresh-tokens/expire`, { method: "POST" });
    await oneSweep();
    await expectFlagged("grant_revoked");
    await reconnect();
  });

  it("the app's access removed by the user (consent revoked, AADSTS65001)", async () => {
    const { clientId } = await channelRow(server.database.db, channelId);
    expect((await control(`/users/${SUPPORT.login}/consents/${clientId}`, { method: "DELETE" })).status).toBe(
      204,
    );
    await oneSweep();
    await expectFlagged("consent_required");
    await reconnect();
  });

  it("Graph keeps answering 401 to a freshly refreshed token", async () => {
    await control(`/users/${SUPPORT.login}/graph-access`, jsonInit("PUT", { refused: true }));
    await oneSweep();
    await expectFlagged("graph_unauthorized");
    await control(`/users/${SUPPORT.login}/graph-access`, jsonInit("PUT", { refused: false }));
    await reconnect();
  });

  it("BYOC: secret expired (AADSTS7000222); saving a new one asks for the reconnect; a new client id flags at once", async () => {
    const byoc = await registerApp(emulator, {
      redirectUris: [`${server.url}/api/outlook/oauth2/callback`],
      displayName: "Acme's own app",
    });
    const save = (clientId: string, clientSecret: string) =>
      admin.put("/api/outlook/credentials", { clientId, clientSecret, redirectUriConfirmed: true });
    expect((await save(byoc.clientId, byoc.secret)).status).toBe(200);
    // The platform channel moves to the org's app by connecting with it.
    const res = await admin.post<{ authorizeUrl: string }>("/api/outlook/connect", {
      returnTo: "channels",
      credentials: "byoc",
    });
    await followCallback(
      admin,
      await signIn(emulator, res.body.authorizeUrl, { ...account, consent: "accept" }),
    );
    expect(await channelRow(server.database.db, channelId)).toMatchObject({
      credentialSource: "byoc",
      clientId: byoc.clientId,
      status: "connected",
    });
    await syncAtRest(server.database.db, channelId);

    await control(`/apps/${byoc.clientId}/secrets/${byoc.secretId}/expire`, { method: "POST" });
    await oneSweep();
    await expectFlagged("client_secret_expired");

    // A new secret from Azure, saved in Mailroom: the channel now waits only for its reconnect.
    const added = await control(`/apps/${byoc.clientId}/secrets`, jsonInit("POST", { displayName: "2026" }));
    const secret = ((await added.json()) as { value: string }).value;
    expect((await save(byoc.clientId, secret)).status).toBe(200);
    expect((await channelRow(server.database.db, channelId)).statusReason).toBe("credentials_changed");
    await reconnect();

    // Another app registration saved: flagged the moment it is saved, before any call fails.
    const other = await registerApp(emulator, {
      redirectUris: [`${server.url}/api/outlook/oauth2/callback`],
      displayName: "Acme's new app",
    });
    await resetCounters(emulator);
    expect((await save(other.clientId, other.secret)).status).toBe(200);
    expect(await microsoftCalls(emulator)).toEqual({});
    await expectFlagged("credentials_changed");
    await reconnect();
    expect(await channelRow(server.database.db, channelId)).toMatchObject({
      clientId: other.clientId,
      status: "connected",
    });
  });

  it("refresh token unused for 90 days (AADSTS700082)", async () => {
    emulator.clock.advance(91 * 24 * 3600_000);
    await oneSweep();
    await expectFlagged("refresh_token_expired");
  });
});

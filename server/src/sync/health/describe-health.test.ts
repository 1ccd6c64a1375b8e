import { describe, expect, it } from "vitest";
import type { ChannelSyncStateRow } from "../state/schema.ts";
import { describeHealth, type HealthInput, redactSecrets } from "./describe-health.ts";

const now = new Date("2026-12-01T12:00:00Z");
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);
const inMinutes = (n: number) => new Date(now.getTime() + n * 60_000);

function stateRow(patch: Partial<ChannelSyncStateRow> = {}): ChannelSyncStateRow {
  return {
    channelId: "c1",
    orgId: "o1",
    mode: "webhook",
    pollingReason: null,
    pollingDetail: null,
    webhookRetryAt: null,
    lastNotificationAt: null,
    lastDeltaAt: minutesAgo(2),
    initialSyncedAt: minutesAgo(60),
    initialTotal: 40,
    lastErrorAt: null,
    updatedAt: minutesAgo(2),
    ...patch,
  };
}

function input(patch: Partial<HealthInput> = {}): HealthInput {
  return {
    now,
    channelStatus: "connected",
    state: stateRow(),
    cursors: { roundAt: null, initialAt: null },
    subscriptions: [
      { folder: "inbox", expiresAt: inMinutes(3000) },
      { folder: "sentitems", expiresAt: inMinutes(3000) },
    ],
    settings: { webhooks: "auto", pollSeconds: 60, sweepMinutes: 15 },
    ...patch,
  };
}

describe("a channel's sync health", () => {
  it("is healthy with live subscriptions and a recent full check", () => {
    expect(describeHealth(input())).toMatchObject({
      state: "healthy",
      mode: "webhook",
      pollingReason: null,
      pollingDetail: null,
      initialSync: null,
    });
  });

  it("puts the connection first: needs reconnecting, or disconnected", () => {
    const failing = stateRow({ lastErrorAt: minutesAgo(1) });
    expect(describeHealth(input({ channelStatus: "needs_reauth", state: failing })).state).toBe(
      "needs_reauth",
    );
    expect(describeHealth(input({ channelStatus: "disconnected" })).state).toBe("disconnected");
  });

  it("is degraded by an error in the last hour, and counts them when it can", () => {
    const state = stateRow({ lastErrorAt: minutesAgo(59) });
    expect(describeHealth(input({ state, errorsLastHour: 3 }))).toMatchObject({
      state: "degraded",
      label: "3 sync errors in the last hour — Mailroom keeps retrying",
    });
    expect(describeHealth(input({ state })).label).toBe(
      "Sync errors in the last hour — Mailroom keeps retrying",
    );
    expect(describeHealth(input({ state: stateRow({ lastErrorAt: minutesAgo(61) }) })).state).toBe("healthy");
    expect(describeHealth(input({ state: stateRow({ lastErrorAt: null }), errorsLastHour: 1 })).state).toBe(
      "degraded",
    );
  });

  it("is syncing, with progress, until the first sync finishes", () => {
    const state = stateRow({ initialSyncedAt: null, lastDeltaAt: null, initialTotal: 40 });
    expect(describeHealth(input({ state, messagesSynced: 12 }))).toMatchObject({
      state: "syncing",
      label: "Importing recent mail — 12 of 40 messages",
      initialSync: { synced: 12, total: 40 },
    });
    expect(describeHealth(input({ state, messagesSynced: 99 })).initialSync).toEqual({
      synced: 40,
      total: 40,
    });
  });

  it("reports sensible defaults before any sync wrote a row", () => {
    expect(describeHealth(input({ state: undefined, subscriptions: [] }))).toMatchObject({
      state: "syncing",
      mode: "webhook",
      lastDeltaAt: null,
      initialSync: null,
    });
  });

  it("says 'setting up' while real-time updates have no subscription yet", () => {
    expect(describeHealth(input({ subscriptions: [] }))).toMatchObject({
      state: "syncing",
      label: "Setting up real-time updates",
    });
  });

  it("is degraded when every subscription has expired", () => {
    const expired = [{ folder: "inbox", expiresAt: minutesAgo(5) }];
    expect(describeHealth(input({ subscriptions: expired })).state).toBe("degraded");
  });

  it("is degraded when no full check ran for three sweep intervals", () => {
    const state = stateRow({ lastDeltaAt: minutesAgo(46) });
    expect(describeHealth(input({ state }))).toMatchObject({
      state: "degraded",
      label: "No full check for over 45 minutes",
    });
  });

  it("takes the latest of the recorded round and the folder cursors", () => {
    const state = stateRow({ lastDeltaAt: null, initialSyncedAt: null });
    const health = describeHealth(
      input({ state, cursors: { roundAt: minutesAgo(1), initialAt: minutesAgo(30) } }),
    );
    expect(health).toMatchObject({
      state: "healthy",
      lastDeltaAt: minutesAgo(1),
      initialSyncedAt: minutesAgo(30),
    });
  });

  it("says precisely what is wrong with PUBLIC_URL when the sync recorded it", () => {
    const state = stateRow({
      mode: "polling",
      pollingReason: "public_url_not_public",
      pollingDetail:
        "PUBLIC_URL is not https, so Microsoft can't deliver notifications to it. Set PUBLIC_URL to a public https URL.",
    });
    expect(describeHealth(input({ state, subscriptions: [] })).pollingDetail).toBe(
      "PUBLIC_URL is not https, so Microsoft can't deliver notifications to it. Set PUBLIC_URL to a public https URL. Checking for new mail every 60 seconds instead.",
    );
  });

  it("explains polling because PUBLIC_URL isn't public", () => {
    const state = stateRow({ mode: "polling", pollingReason: "public_url_not_public" });
    expect(describeHealth(input({ state, subscriptions: [] }))).toMatchObject({
      state: "polling",
      mode: "polling",
      pollingReason: "public_url_not_public",
      pollingDetail:
        "Mailroom's address (PUBLIC_URL) isn't a public https URL, so Microsoft can't send notifications. Checking for new mail every 60 seconds instead.",
      label: "Checking for new mail every 60 seconds",
    });
  });

  it("quotes Graph's refusal and when webhooks are tried again", () => {
    const state = stateRow({
      mode: "polling",
      pollingReason: "subscription_refused",
      pollingDetail:
        "Subscription validation request failed. Notification endpoint must respond with 200 OK.",
      webhookRetryAt: new Date("2026-12-03T14:05:00Z"),
    });
    const health = describeHealth(input({ state, subscriptions: [] }));
    expect(health.pollingDetail).toBe(
      "Microsoft refused the change-notification subscription: Subscription validation request failed. Notification endpoint must respond with 200 OK. Checking for new mail every 60 seconds; trying real-time updates again at Dec 3, 14:05 UTC.",
    );
    expect(health.webhookRetryAt).toEqual(new Date("2026-12-03T14:05:00Z"));
  });

  it("polls when the server runs with WEBHOOKS=off, even before any row exists", () => {
    const health = describeHealth(
      input({
        state: undefined,
        subscriptions: [],
        settings: { webhooks: "off", pollSeconds: 120, sweepMinutes: 15 },
      }),
    );
    expect(health).toMatchObject({ mode: "polling", pollingReason: "webhooks_off" });
    expect(health.pollingDetail).toContain("every 2 minutes");
  });
});

describe("redacting text from Graph before it reaches a browser", () => {
  it("cuts delta tokens, bearer tokens and JWTs", () => {
    const text = redactSecrets(
      "GET https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=abc123 failed; Bearer eyJhbGciOi.eyJzdWIi.sig; $skiptoken=zzz",
    );
    expect(text).not.toMatch(/abc123|eyJ|zzz/);
    expect(text).toContain("https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta?…");
    expect(redactSecrets("503 for /me/mailFolders('inbox')/messages/delta?$deltatoken=secret1")).toBe(
      "503 for /me/mailFolders('inbox')/messages/delta?…",
    );
  });
});

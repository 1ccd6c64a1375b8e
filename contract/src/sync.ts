import { z } from "zod";
import { defineRoute } from "./route.ts";
import { isoDateTime } from "./scalars.ts";

/** Sync health: how a channel is kept in sync and how that is going, in words people can act on. */
export const HEALTH_STATES = [
  "healthy",
  "polling",
  "syncing",
  "degraded",
  "needs_reauth",
  "disconnected",
] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

export const syncMode = z.enum(["webhook", "polling"]);

/** One line per channel, for Settings > Channels. */
export const syncHealthSummary = z.object({
  channelId: z.string(),
  state: z.enum(HEALTH_STATES),
  /** One line, e.g. "Up to date — Microsoft notifies Mailroom of new mail". */
  label: z.string(),
  mode: syncMode,
  lastDeltaAt: isoDateTime.nullable(),
  lastNotificationAt: isoDateTime.nullable(),
});
export type SyncHealthSummary = z.infer<typeof syncHealthSummary>;

export const syncError = z.object({
  occurredAt: isoDateTime,
  kind: z.string(),
  code: z.string(),
  message: z.string(),
});
export type SyncError = z.infer<typeof syncError>;

/** The channel page's "Sync" section. Never a subscription id, clientState, token or delta link. */
export const syncHealth = syncHealthSummary.extend({
  pollingReason: z.string().nullable(),
  /** Why it polls, as a sentence. */
  pollingDetail: z.string().nullable(),
  webhookRetryAt: isoDateTime.nullable(),
  initialSyncedAt: isoDateTime.nullable(),
  /** While the first sync runs: how far it got. */
  initialSync: z.object({ synced: z.number(), total: z.number() }).nullable(),
  subscriptions: z.array(z.object({ folder: z.string(), expiresAt: isoDateTime })),
  messagesSynced: z.number(),
  foldersFollowed: z.array(z.string()),
  /** How often a polling channel checks, in seconds. */
  pollSeconds: z.number(),
  recentErrors: z.array(syncError),
});
export type SyncHealth = z.infer<typeof syncHealth>;

/** "Sync older mail": how far back, in days. */
export const BACKFILL_CHOICES = [7, 30, 90] as const;
export type BackfillDays = (typeof BACKFILL_CHOICES)[number];

export const BACKFILL_STATUSES = ["running", "done", "failed", "cancelled"] as const;
export const backfillStatus = z.enum(BACKFILL_STATUSES);
export type BackfillStatus = z.infer<typeof backfillStatus>;

/** A backfill's progress and window: no Graph links, no cursors. */
export const backfill = z.object({
  id: z.string(),
  channelId: z.string(),
  days: z.number().int(),
  windowStart: isoDateTime,
  windowEnd: isoDateTime,
  status: backfillStatus,
  synced: z.number(),
  total: z.number().nullable(),
  error: z.string().nullable(),
  createdAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
});
export type Backfill = z.infer<typeof backfill>;

const choose = `Choose ${BACKFILL_CHOICES.join(", ")} days`;
export const backfillInput = z.object({
  days: z
    .number({ error: choose })
    .refine((d): d is BackfillDays => (BACKFILL_CHOICES as readonly number[]).includes(d), {
      message: choose,
    }),
});

const idParams = z.object({ id: z.string() });
const channelParams = z.object({ channelId: z.string() });
const backfillBody = z.object({ backfill });

/** Sync health, "Check now" and "Sync older mail" (server/src/sync/). */
export const syncRoutes = {
  getChannelSync: defineRoute({
    method: "GET",
    path: "/api/channels/:id/sync",
    params: idParams,
    response: { 200: z.object({ sync: syncHealth }) },
  }),
  listSyncHealth: defineRoute({
    method: "GET",
    path: "/api/sync/health",
    response: { 200: z.object({ channels: z.array(syncHealthSummary) }) },
  }),
  /** "Check now": `queued` is false when a sync was already waiting. */
  checkNow: defineRoute({
    method: "POST",
    path: "/api/channels/:id/sync",
    params: idParams,
    response: { 202: z.object({ queued: z.boolean() }) },
  }),

  listBackfills: defineRoute({
    method: "GET",
    path: "/api/channels/:channelId/backfills",
    params: channelParams,
    response: {
      200: z.object({
        latest: backfill.nullable(),
        history: z.array(backfill),
        choices: z.array(z.number()),
      }),
    },
  }),
  /** 202 when it starts; 200 with the running one when the same request was already running. */
  startBackfill: defineRoute({
    method: "POST",
    path: "/api/channels/:channelId/backfill",
    params: channelParams,
    body: backfillInput,
    response: { 200: backfillBody, 202: backfillBody },
  }),
  cancelBackfill: defineRoute({
    method: "POST",
    path: "/api/channels/:channelId/backfills/:id/cancel",
    params: z.object({ channelId: z.string(), id: z.string() }),
    response: { 200: backfillBody },
  }),
};

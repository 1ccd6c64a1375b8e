import { attentionWords, type HealthState } from "@mailroom/contract";
import type { Config } from "../../config.ts";
import type { CursorRollUp } from "../../mail/cursors.ts";
import type { ChannelSyncStateRow, PollingReason } from "../state/schema.ts";

/**
 * Sync health: how a channel is kept in sync and how that is going, in words people can act on.
 * `describeHealth` is a pure function over the rows (channel status, `channel_sync_state`, the
 * folder cursors, subscriptions); health-queries.ts gathers those rows for one channel or for a
 * whole org at once. Nothing here ever returns a subscription id, clientState, token or delta link.
 */

export type { HealthState };
/** `webhooks_off` is ours: the server runs with WEBHOOKS=off, so no channel subscribes. */
export type HealthPollingReason = PollingReason | "webhooks_off";

/** Errors this recent make a channel "degraded". */
export const DEGRADED_WINDOW_MS = 60 * 60 * 1000;
/** A channel whose last full check is older than this many sweep intervals is "degraded". */
export const STALE_SWEEPS = 3;

export interface HealthSettings {
  webhooks: Config["sync"]["webhooks"];
  pollSeconds: number;
  sweepMinutes: number;
}

export interface HealthInput {
  now: Date;
  /** channels.status: connected | needs_reauth | disconnected */
  channelStatus: string;
  /** channels.status_reason: why it needs reconnecting (words from the contract's attentionWords). */
  channelReason?: string | null;
  state: ChannelSyncStateRow | undefined;
  /** Per-folder progress from `sync_cursors`, rolled up (mail/cursors.ts). */
  cursors: CursorRollUp;
  subscriptions: { folder: string; expiresAt: Date }[];
  settings: HealthSettings;
  /** How many errors in the last hour, when known (the channel page knows, the org list doesn't). */
  errorsLastHour?: number;
  /** Live messages stored, for the initial-sync progress (channel page only). */
  messagesSynced?: number;
}

export interface HealthSummary {
  state: HealthState;
  label: string;
  mode: "webhook" | "polling";
  pollingReason: HealthPollingReason | null;
  pollingDetail: string | null;
  webhookRetryAt: Date | null;
  lastNotificationAt: Date | null;
  lastDeltaAt: Date | null;
  initialSyncedAt: Date | null;
  /** While the first sync runs: how far it got (null when done or unknown). */
  initialSync: { synced: number; total: number } | null;
}

/**
 * The one summary state and its one-line label. Precedence: the channel's connection first (no
 * token, no sync), then errors in the last hour, then the first sync, then a channel that has gone
 * quiet or lost its subscriptions, then polling, else healthy.
 */
export function describeHealth(input: HealthInput): HealthSummary {
  const { now, state, settings } = input;
  const mode = effectiveMode(input);
  const lastDeltaAt = later(state?.lastDeltaAt ?? null, input.cursors.roundAt);
  const initialSyncedAt = state?.initialSyncedAt ?? input.cursors.initialAt ?? null;
  const initialSync =
    initialSyncedAt === null && state?.initialTotal != null && input.messagesSynced !== undefined
      ? { synced: Math.min(input.messagesSynced, state.initialTotal), total: state.initialTotal }
      : null;
  const base = {
    ...mode,
    webhookRetryAt: mode.mode === "polling" ? (state?.webhookRetryAt ?? null) : null,
    lastNotificationAt: state?.lastNotificationAt ?? null,
    lastDeltaAt,
    initialSyncedAt,
    initialSync,
  };
  const verdict = (s: HealthState, label: string): HealthSummary => ({ ...base, state: s, label });

  if (input.channelStatus === "needs_reauth")
    return verdict(
      "needs_reauth",
      `Needs reconnecting — ${attentionWords(input.channelStatus, input.channelReason ?? null).reason}`,
    );
  if (input.channelStatus !== "connected") return verdict("disconnected", "Disconnected — not syncing");

  // The error rows count too: a reader may land between an error's insert and its lastErrorAt.
  const lastErrorAt = state?.lastErrorAt;
  const n = input.errorsLastHour;
  if ((lastErrorAt && now.getTime() - lastErrorAt.getTime() < DEGRADED_WINDOW_MS) || n) {
    const what = n ? `${n} sync ${n === 1 ? "error" : "errors"}` : "Sync errors";
    return verdict("degraded", `${what} in the last hour — Mailroom keeps retrying`);
  }
  if (initialSyncedAt === null) {
    const label = initialSync
      ? `Importing recent mail — ${initialSync.synced} of ${initialSync.total} messages`
      : "Importing recent mail";
    return verdict("syncing", label);
  }
  const staleMs = STALE_SWEEPS * settings.sweepMinutes * 60_000;
  if (lastDeltaAt && now.getTime() - lastDeltaAt.getTime() > staleMs)
    return verdict("degraded", `No full check for over ${STALE_SWEEPS * settings.sweepMinutes} minutes`);
  if (mode.mode === "polling") return verdict("polling", `Checking for new mail ${every(settings)}`);

  const live = input.subscriptions.filter((s) => s.expiresAt.getTime() > now.getTime());
  if (input.subscriptions.length > 0 && live.length === 0)
    return verdict("degraded", "Real-time updates lapsed — Mailroom is renewing them");
  if (live.length === 0) return verdict("syncing", "Setting up real-time updates");
  return verdict("healthy", "Up to date — Microsoft notifies Mailroom of new mail");
}

/** "every 60 seconds", "every 2 minutes". */
function every(settings: HealthSettings): string {
  const s = settings.pollSeconds;
  return s >= 120 && s % 60 === 0 ? `every ${s / 60} minutes` : `every ${s} seconds`;
}

function effectiveMode(input: HealthInput) {
  const { state, settings } = input;
  const reason: HealthPollingReason | null =
    state?.mode === "polling" ? state.pollingReason : settings.webhooks === "off" ? "webhooks_off" : null;
  if (state?.mode !== "polling" && reason === null)
    return { mode: "webhook" as const, pollingReason: null, pollingDetail: null };
  return {
    mode: "polling" as const,
    pollingReason: reason,
    pollingDetail: pollingSentence(
      reason,
      state?.pollingDetail ?? null,
      state?.webhookRetryAt ?? null,
      settings,
    ),
  };
}

/** Why the channel polls, as a sentence for the channel page. */
export function pollingSentence(
  reason: HealthPollingReason | null,
  graphMessage: string | null,
  retryAt: Date | null,
  settings: HealthSettings,
): string {
  const checking = `Checking for new mail ${every(settings)}`;
  const retry = retryAt ? `; trying real-time updates again at ${utcTime(retryAt)}` : "";
  switch (reason) {
    case "public_url_not_public":
      // webhook-mode.ts says precisely what is wrong with PUBLIC_URL and what to set.
      return graphMessage
        ? `${graphMessage.replace(/[.\s]+$/, "")}. ${checking} instead.`
        : `Mailroom's address (PUBLIC_URL) isn't a public https URL, so Microsoft can't send notifications. ${checking} instead.`;
    case "webhooks_off":
      return `Real-time updates are turned off on this server (WEBHOOKS=off). ${checking} instead.`;
    case "subscription_refused": {
      const said = graphMessage ? `: ${redactSecrets(graphMessage).replace(/[.\s]+$/, "")}` : "";
      return `Microsoft refused the change-notification subscription${said}. ${checking}${retry}.`;
    }
    case "subscription_lapsed":
      return `Microsoft stopped sending change notifications (the subscription lapsed). ${checking}${retry}.`;
    default:
      return `${checking}.`;
  }
}

/** "Dec 3, 14:05 UTC": the server doesn't know the reader's time zone, so it says which one. */
function utcTime(date: Date): string {
  const text = new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  }).format(date);
  return `${text} UTC`;
}

/**
 * A last line of defence for text that came from Graph or an exception: query strings (delta and
 * skip tokens live there), bearer tokens and JWTs are cut out before anything reaches a browser.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/((?:https?:\/\/|\/)[^\s?#"]*)[?#][^\s"]*/gi, "$1?…")
    .replace(
      /\b(\$?(?:delta|skip)token|access_token|refresh_token|client_secret|clientState|code)=[^&\s"']+/gi,
      "$1=…",
    )
    .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, "Bearer …")
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "…");
}

function later(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

export const healthSettings = (config: Config): HealthSettings => ({
  webhooks: config.sync.webhooks,
  pollSeconds: config.sync.pollSeconds,
  sweepMinutes: config.sync.sweepMinutes,
});

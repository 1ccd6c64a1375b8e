import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api.ts";
import { type LiveEvent, RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { absoluteTime, Time } from "../ui/time.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { useLoad } from "../ui/use-load.ts";
import {
  type ChannelDetail,
  checkChannelNow,
  getSyncHealth,
  type SyncHealth as Health,
  listSyncHealth,
  type SyncError,
  type SyncHealthState,
  type SyncHealthSummary,
} from "./channels-api.ts";
import "./sync-health.css";

const PILL: Record<SyncHealthState, { text: string; tone: string }> = {
  healthy: { text: "Healthy", tone: "success" },
  polling: { text: "Polling", tone: "info" },
  syncing: { text: "Syncing", tone: "info" },
  degraded: { text: "Having trouble", tone: "warning" },
  needs_reauth: { text: "Needs reconnecting", tone: "danger" },
  disconnected: { text: "Disconnected", tone: "neutral" },
};

const FOLDERS: Record<string, string> = { inbox: "Inbox", sentitems: "Sent Items" };
const numbers = new Intl.NumberFormat();
/** Live events that may change a channel's health (`concerns` names them too). */
const HEALTH_EVENTS = new Set<LiveEvent["type"]>(["sync.health", "sync.progress", "conversations.updated"]);
/** Bursts of live events (a big first sync sends one per page) refetch at most this often. */
const REFETCH_EVERY_MS = 1_000;
/** After "Check now", how often and how long the page looks for the check's result. */
const FOLLOW_UP_EVERY_MS = 2_000;
const FOLLOW_UP_MS = 30_000;

/** Healthy / Polling / Syncing / Having trouble / Needs reconnecting / Disconnected. */
export function SyncHealthPill({ state }: { state: SyncHealthState }) {
  const pill = PILL[state] ?? { text: state, tone: "neutral" };
  return <span className={`badge status status--${pill.tone}`}>{pill.text}</span>;
}

/** The pill and its one-line label, as Settings > Channels shows them. */
export function SyncHealthLine({ health }: { health: SyncHealthSummary }) {
  return (
    <p className="sync-line">
      <span className="visually-hidden">Sync: </span>
      <SyncHealthPill state={health.state} />
      <span className="sync-line__label">{health.label}</span>
    </p>
  );
}

/**
 * The "Sync" section of a channel's page: the summary, how mail arrives (and why it polls), when
 * Microsoft last notified and when the last full check ran, what's stored, recent errors, and
 * "Check now" for owners and admins. Live: refetches on the channel's sync events.
 */
export function SyncHealth({ channel, admin }: { channel: ChannelDetail; admin: boolean }) {
  const [loaded, reload] = useLoad(() => getSyncHealth(channel.id).then((r) => r.sync), channel.id);
  const refetch = useThrottled(reload, REFETCH_EVERY_MS);
  useLiveEvents((event) => {
    if (concerns(event, channel.id)) refetch();
  });
  useTick(30_000);
  const watchCheck = useFollowUp(reload, loaded.status === "ready" ? loaded.data.lastDeltaAt : undefined);

  return (
    <section className="card sync-health" aria-labelledby="sync-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="sync-title">
            Sync
          </h2>
          <p className="card__description">How new mail reaches Mailroom from this mailbox.</p>
        </div>
        {admin ? <CheckNow channel={channel} onChecked={watchCheck} /> : null}
      </div>
      {loaded.status === "loading" ? (
        <p className="muted" role="status">
          Loading sync status…
        </p>
      ) : loaded.status === "failed" ? (
        <p className="alert alert--error" role="alert">
          {loaded.message}
        </p>
      ) : (
        <HealthDetails health={loaded.data} />
      )}
    </section>
  );
}

function HealthDetails({ health }: { health: Health }) {
  return (
    <>
      <p className="sync-line sync-line--large" aria-live="polite">
        <SyncHealthPill state={health.state} />
        <span className="sync-line__label">{health.label}</span>
      </p>
      {health.initialSync ? <InitialProgress {...health.initialSync} /> : null}
      <dl className="facts">
        <div className="facts__row">
          <dt>Mode</dt>
          <dd>
            {health.mode === "webhook" ? (
              "Real-time (webhooks)"
            ) : (
              <>
                Polling every {health.pollSeconds} s
                {health.pollingDetail ? (
                  <span className="sync-health__why">{health.pollingDetail}</span>
                ) : null}
              </>
            )}
          </dd>
        </div>
        {health.mode === "webhook" ? (
          <div className="facts__row">
            <dt>Subscription</dt>
            <dd>
              <Subscriptions health={health} />
            </dd>
          </div>
        ) : null}
        <div className="facts__row">
          <dt>Last notification</dt>
          <dd>
            {health.lastNotificationAt ? <Time value={health.lastNotificationAt} compact /> : "None yet"}
          </dd>
        </div>
        <div className="facts__row">
          <dt>Last full check</dt>
          <dd>{health.lastDeltaAt ? <Time value={health.lastDeltaAt} compact /> : "Not yet"}</dd>
        </div>
        <div className="facts__row">
          <dt>Messages synced</dt>
          <dd>
            {numbers.format(health.messagesSynced)}{" "}
            <span className="muted">
              from {health.foldersFollowed.map((f) => FOLDERS[f] ?? f).join(" and ")}
            </span>
          </dd>
        </div>
      </dl>
      <RecentErrors errors={health.recentErrors} />
    </>
  );
}

/** "Renews automatically; expires Dec 3, 14:05" — the soonest expiry of the channel's subscriptions. */
function Subscriptions({ health }: { health: Health }) {
  const soonest = health.subscriptions
    .map((s) => new Date(s.expiresAt))
    .sort((a, b) => a.getTime() - b.getTime())[0];
  if (!soonest) return <>Being set up</>;
  const short = new Intl.DateTimeFormat(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(soonest);
  return (
    <>
      Renews automatically; expires{" "}
      <time dateTime={soonest.toISOString()} title={absoluteTime(soonest)}>
        {short}
      </time>
    </>
  );
}

function InitialProgress({ synced, total }: { synced: number; total: number }) {
  return (
    <div className="sync-progress">
      <progress
        className="sync-progress__bar"
        value={synced}
        max={Math.max(total, 1)}
        aria-labelledby="sync-progress-label"
      />
      <span id="sync-progress-label" className="sync-progress__label">
        First sync: {numbers.format(synced)} of {numbers.format(total)} messages
      </span>
    </div>
  );
}

function RecentErrors({ errors }: { errors: SyncError[] }) {
  if (errors.length === 0) return <p className="muted sync-health__quiet">No sync errors recorded.</p>;
  return (
    <details className="sync-errors">
      <summary className="sync-errors__summary">
        Recent errors <span className="count">{errors.length}</span>
      </summary>
      <ol className="sync-errors__list">
        {errors.map((e) => (
          <li key={`${e.occurredAt}-${e.code}-${e.kind}`} className="sync-errors__item">
            <span className="sync-errors__when">
              <Time value={e.occurredAt} compact />
            </span>
            <code className="sync-errors__code">{e.code}</code>
            <span className="sync-errors__message">{e.message}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

function CheckNow({ channel, onChecked }: { channel: ChannelDetail; onChecked(): void }) {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const check = () =>
    void run(async () => {
      setError(null);
      setDone(null);
      try {
        const { queued } = await checkChannelNow(channel.id);
        setDone(queued ? "Checking for new mail now." : "A check is already on its way.");
        onChecked();
      } catch (e) {
        setError(errorMessage(e));
      }
    });
  return (
    <div className="sync-health__check">
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={check}
        disabled={busy || channel.status !== "connected"}
      >
        {busy ? "Checking…" : "Check now"}
      </button>
      <FormError message={error} />
      <StatusMessage message={done} />
    </div>
  );
}

/**
 * Sync health of every channel of the org, for Settings > Channels, kept live: refetched (at most
 * once a second) on sync events and whenever the channel list itself changes.
 */
export function useSyncHealthSummaries(): Map<string, SyncHealthSummary> {
  const [loaded, reload] = useLoad(() => listSyncHealth().then((r) => r.channels), "sync-health");
  const refetch = useThrottled(reload, REFETCH_EVERY_MS);
  useLiveEvents((event) => {
    if (HEALTH_EVENTS.has(event.type) || event.type === "channels.updated" || event.type === RECONNECTED)
      refetch();
  });
  useTick(30_000);
  return new Map(loaded.status === "ready" ? loaded.data.map((h) => [h.channelId, h]) : []);
}

function concerns(event: LiveEvent, channelId: string): boolean {
  switch (event.type) {
    case RECONNECTED:
      return true;
    case "channels.updated":
      return event.data.channelId === channelId || !event.data.channelId;
    case "sync.health":
    case "sync.progress":
    case "conversations.updated":
      return event.data.channelId === channelId;
    default:
      return false;
  }
}

/** Calls `fn` at once, then at most once per `ms`, with one trailing call for what came meanwhile. */
function useThrottled(fn: () => Promise<void>, ms: number): () => void {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    const wait = last.current + ms - Date.now();
    const fire = () => {
      timer.current = undefined;
      last.current = Date.now();
      void latest.current();
    };
    if (wait <= 0) fire();
    else timer.current = setTimeout(fire, wait);
  }, [ms]);
}

/**
 * After "Check now": refetch every few seconds until the last full check changes (or give up after
 * a while). A check that finds nothing new publishes no conversation event to wake the page.
 */
function useFollowUp(reload: () => Promise<void>, lastDeltaAt: string | null | undefined): () => void {
  const [from, setFrom] = useState<{ value: string | null | undefined; at: number } | null>(null);
  useEffect(() => {
    if (from === null) return;
    if (lastDeltaAt !== from.value) return setFrom(null);
    const id = setInterval(() => {
      if (Date.now() - from.at > FOLLOW_UP_MS) setFrom(null);
      else void reload();
    }, FOLLOW_UP_EVERY_MS);
    return () => clearInterval(id);
  }, [from, lastDeltaAt, reload]);
  return () => setFrom({ value: lastDeltaAt, at: Date.now() });
}

/** Re-renders every `ms`, so "2 minutes ago" doesn't stay "just now". */
function useTick(ms: number): void {
  const [, setNow] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
}

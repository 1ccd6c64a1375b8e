import { useState } from "react";
import { errorMessage } from "../api.ts";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { absoluteTime, Time } from "../ui/time.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import {
  type ChannelDetail,
  checkChannelNow,
  type SyncHealth as Health,
  type SyncError,
  type SyncHealthState,
  type SyncHealthSummary,
} from "./channels-api.ts";
import { useChannelSyncHealth } from "./sync-health-live.ts";
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
  const [loaded, watchCheck] = useChannelSyncHealth(channel.id);

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

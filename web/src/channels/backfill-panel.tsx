import { BACKFILL_CHOICES, type Backfill, routes } from "@mailroom/contract";
import { useState } from "react";
import { callApi, errorMessage } from "../api.ts";
import { RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { FormError } from "../ui/form-error.tsx";
import { Time } from "../ui/time.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { useLoad } from "../ui/use-load.ts";
import type { ChannelDetail } from "./channels-api.ts";
import "./backfill.css";

type Backfills = Awaited<ReturnType<typeof getBackfills>>;

const DEFAULT_CHOICES = [...BACKFILL_CHOICES];
const getBackfills = (channelId: string) => callApi(routes.listBackfills, { params: { channelId } });
const startBackfill = (channelId: string, days: number) =>
  callApi(routes.startBackfill, { params: { channelId }, body: { days } });
const cancelBackfill = (channelId: string, id: string) =>
  callApi(routes.cancelBackfill, { params: { channelId, id } });

const count = new Intl.NumberFormat();
const messages = (n: number) => `${count.format(n)} ${n === 1 ? "message" : "messages"}`;

/**
 * "Sync older mail" on a channel's page: owners and admins pick 7, 30 or 90 days and watch a live
 * progress bar (driven by `sync.progress` events, refetched after the stream reconnects); everyone
 * sees how the latest one went.
 */
export function BackfillPanel({ channel, admin }: { channel: ChannelDetail; admin: boolean }) {
  const { latest, running, choices, busy, error, start, cancel } = useBackfills(channel.id);
  const [days, setDays] = useState(30);
  const connected = channel.status === "connected";
  const disabled = !admin || !connected || busy;

  return (
    <section className="card backfill" aria-labelledby="backfill-title">
      <div className="card__header">
        <div>
          <h2 className="card__title" id="backfill-title">
            Sync older mail
          </h2>
          <p className="card__description">
            Bring in mail this mailbox received before it was connected. New mail keeps arriving while it
            runs, and mail already here is left as it is.
          </p>
        </div>
      </div>

      {running && latest ? (
        <BackfillProgress backfill={latest} admin={admin} busy={busy} onCancel={() => cancel(latest.id)} />
      ) : (
        <BackfillForm
          choices={choices}
          days={days}
          onDays={setDays}
          onStart={() => start(days)}
          disabled={disabled}
          busy={busy}
          admin={admin}
        />
      )}

      {!admin ? (
        <p className="muted backfill__note" id="backfill-admins-only">
          Only owners and admins can sync older mail — ask your admin.
        </p>
      ) : !connected ? (
        <p className="muted backfill__note">Reconnect this channel to sync older mail.</p>
      ) : null}

      {latest && !running ? <BackfillOutcome backfill={latest} /> : null}
      <FormError message={error} />
    </section>
  );
}

/**
 * The channel's latest backfill, kept live by `sync.progress` events between fetches (and
 * refetched after the stream reconnects), with starting and cancelling one.
 */
function useBackfills(channelId: string) {
  const [loaded, reload] = useLoad(() => getBackfills(channelId), channelId);
  const [live, setLive] = useState<Backfill | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();

  useLiveEvents((event) => {
    if (event.type === RECONNECTED) return void reload();
    if (event.type !== "sync.progress" || event.data.channelId !== channelId) return;
    if (event.data.kind !== "backfill") return;
    const { data } = event;
    setLive((previous) => {
      const base = previous?.id === data.backfillId ? previous : latestOf(loaded);
      if (!base || base.id !== data.backfillId) return previous;
      return {
        ...base,
        synced: Math.max(base.synced, data.synced),
        total: data.total ?? base.total,
        status: data.status,
        error: data.error ?? base.error,
      };
    });
    // A backfill we don't know yet (started elsewhere), or one that just ended: fetch its full state.
    if (latestOf(loaded)?.id !== data.backfillId || data.status !== "running") void reload();
  });

  const fromServer = latestOf(loaded);
  const latest =
    live && fromServer && live.id === fromServer.id && fromServer.status === "running" ? live : fromServer;
  const running = latest?.status === "running";
  const choices = loaded.status === "ready" ? loaded.data.choices : DEFAULT_CHOICES;

  const start = (days: number) =>
    void run(async () => {
      setError(null);
      try {
        const { backfill } = await startBackfill(channelId, days);
        setLive(backfill);
        await reload();
      } catch (e) {
        setError(errorMessage(e));
      }
    });
  const cancel = (id: string) =>
    void run(async () => {
      setError(null);
      try {
        await cancelBackfill(channelId, id);
        await reload();
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return { latest, running, choices, busy, error, start, cancel };
}

/** How far back, and the button that starts it (disabled for members and while disconnected). */
function BackfillForm(props: {
  choices: readonly number[];
  days: number;
  onDays(days: number): void;
  onStart(): void;
  disabled: boolean;
  busy: boolean;
  admin: boolean;
}) {
  const { choices, days, onDays, onStart, disabled, busy, admin } = props;
  return (
    <form
      className="backfill__form"
      onSubmit={(e) => {
        e.preventDefault();
        onStart();
      }}
    >
      <fieldset className="backfill__choices" disabled={disabled}>
        <legend className="backfill__legend">How far back</legend>
        {choices.map((choice) => (
          <label key={choice} className="backfill__choice">
            <input
              type="radio"
              name="backfill-days"
              value={choice}
              checked={days === choice}
              onChange={() => onDays(choice)}
            />
            {choice} days
          </label>
        ))}
      </fieldset>
      <button
        type="submit"
        className="button button--secondary"
        disabled={disabled}
        aria-describedby={!admin ? "backfill-admins-only" : undefined}
      >
        {busy ? "Starting…" : "Sync older mail"}
      </button>
    </form>
  );
}

function latestOf(loaded: ReturnType<typeof useLoad<Backfills>>[0]): Backfill | null {
  return loaded.status === "ready" ? loaded.data.latest : null;
}

function BackfillProgress({
  backfill,
  admin,
  busy,
  onCancel,
}: {
  backfill: Backfill;
  admin: boolean;
  busy: boolean;
  onCancel(): void;
}) {
  const total = backfill.total;
  const synced = total === null ? backfill.synced : Math.min(backfill.synced, total);
  const percent = total ? Math.round((synced / total) * 100) : 0;
  const label = total === null ? "Counting messages…" : `${count.format(synced)} of ${messages(total)}`;
  return (
    <div className="backfill__running">
      <div className="backfill__status">
        <span id="backfill-progress-label">Syncing the last {backfill.days} days</span>
        <span className="backfill__count" aria-live="polite">
          {label}
        </span>
      </div>
      <div
        className="backfill__bar"
        role="progressbar"
        aria-labelledby="backfill-progress-label"
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={total === null ? undefined : synced}
        aria-valuetext={label}
      >
        <div className="backfill__fill" style={{ width: `${percent}%` }} />
      </div>
      {admin ? (
        <button
          type="button"
          className="button button--ghost button--small"
          onClick={onCancel}
          disabled={busy}
        >
          Cancel
        </button>
      ) : null}
    </div>
  );
}

function BackfillOutcome({ backfill }: { backfill: Backfill }) {
  const when = backfill.finishedAt ? (
    <>
      {" "}
      · <Time value={backfill.finishedAt} compact />
    </>
  ) : null;
  if (backfill.status === "done")
    return (
      <p className="backfill__outcome backfill__outcome--done" role="status">
        Done: {messages(backfill.synced)} from the last {backfill.days} days checked.{when}
      </p>
    );
  if (backfill.status === "cancelled")
    return (
      <p className="backfill__outcome" role="status">
        Cancelled after {count.format(backfill.synced)}
        {backfill.total === null ? "" : ` of ${count.format(backfill.total)}`} messages.{when}
      </p>
    );
  return (
    <p className="alert alert--error backfill__outcome" role="alert">
      Syncing the last {backfill.days} days failed{backfill.error ? `: ${backfill.error}` : "."}
      {when}
    </p>
  );
}

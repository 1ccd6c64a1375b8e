import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { FormError } from "../ui/form-error.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { useLoad } from "../ui/use-load.ts";
import { InboxChip } from "./channel-bits.tsx";
import { type ChannelDetail, linkInbox, listInboxOptions, unlinkInbox } from "./channels-api.ts";
import { refetchOn } from "./refetch-on.ts";

/** The shared inboxes this channel's mail lands in; admins link and unlink them. */
export function ChannelInboxes({
  channel,
  admin,
  onChanged,
}: {
  channel: ChannelDetail;
  admin: boolean;
  onChanged(): Promise<void>;
}) {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const [inboxes, reloadInboxes] = useLoad(
    () => (admin ? listInboxOptions().then((r) => r.inboxes) : Promise.resolve([])),
    `inboxes:${admin}`,
  );
  useLiveEvents((event) => {
    if (admin && refetchOn(event.type)) void reloadInboxes();
  });
  const linked = new Set(channel.inboxes.map((i) => i.id));
  const available = inboxes.status === "ready" ? inboxes.data.filter((i) => !linked.has(i.id)) : [];

  const change = (action: () => Promise<unknown>) =>
    void run(async () => {
      setError(null);
      try {
        await action();
        await onChanged();
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  const link = (inboxId: string, linked: () => void) =>
    change(async () => {
      await linkInbox(inboxId, channel.id);
      linked();
    });

  return (
    <section className="card" aria-labelledby="inboxes-title">
      <div>
        <h2 className="card__title" id="inboxes-title">
          Shared inboxes
        </h2>
        <p className="card__description">New conversations from this channel appear in these inboxes.</p>
      </div>
      {channel.inboxes.length ? (
        <LinkedInboxes
          inboxes={channel.inboxes}
          busy={busy}
          onUnlink={admin ? (inbox) => change(() => unlinkInbox(inbox.id, channel.id)) : null}
        />
      ) : (
        <p className="notice">
          This channel doesn't feed any shared inbox, so its mail isn't shown to anyone.
        </p>
      )}
      {admin && available.length ? <LinkInboxForm available={available} busy={busy} onLink={link} /> : null}
      {admin ? (
        <p className="form__note">
          Create and edit shared inboxes in <Link to="/settings/inboxes">Settings › Inboxes</Link>.
        </p>
      ) : null}
      <FormError message={error} />
    </section>
  );
}

/** "Also deliver to": picks one of the inboxes this channel doesn't feed yet (the first by default). */
function LinkInboxForm({
  available,
  busy,
  onLink,
}: {
  available: { id: string; name: string }[];
  busy: boolean;
  /** Links it; `linked` runs once it is (the choice goes back to the first). */
  onLink(inboxId: string, linked: () => void): void;
}) {
  const [choice, setChoice] = useState("");
  const selectId = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const inboxId = choice || available[0]?.id;
    if (!inboxId) return;
    onLink(inboxId, () => setChoice(""));
  };
  return (
    <form className="link-inbox" onSubmit={submit}>
      <label className="field__label" htmlFor={selectId}>
        Also deliver to
      </label>
      <div className="link-inbox__row">
        <select
          id={selectId}
          className="input select"
          value={choice || available[0]?.id}
          onChange={(e) => setChoice(e.target.value)}
        >
          {available.map((inbox) => (
            <option key={inbox.id} value={inbox.id}>
              {inbox.name}
            </option>
          ))}
        </select>
        <button type="submit" className="button button--secondary" disabled={busy}>
          Link inbox
        </button>
      </div>
    </form>
  );
}

/** The inboxes fed by the channel, each with Unlink for admins (`onUnlink` null for members). */
function LinkedInboxes({
  inboxes,
  busy,
  onUnlink,
}: {
  inboxes: ChannelDetail["inboxes"];
  busy: boolean;
  onUnlink: ((inbox: ChannelDetail["inboxes"][number]) => void) | null;
}) {
  return (
    <ul className="linked-inboxes">
      {inboxes.map((inbox) => (
        <li key={inbox.id} className="linked-inboxes__item">
          <InboxChip inbox={inbox} />
          {onUnlink ? (
            <button
              type="button"
              className="button button--ghost button--small"
              disabled={busy}
              onClick={() => onUnlink(inbox)}
              aria-label={`Unlink ${inbox.name}`}
            >
              Unlink
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

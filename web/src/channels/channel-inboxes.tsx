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
  const [choice, setChoice] = useState("");
  const selectId = useId();
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

  const link = (event: FormEvent) => {
    event.preventDefault();
    const inboxId = choice || available[0]?.id;
    if (!inboxId) return;
    change(async () => {
      await linkInbox(inboxId, channel.id);
      setChoice("");
    });
  };

  return (
    <section className="card" aria-labelledby="inboxes-title">
      <div>
        <h2 className="card__title" id="inboxes-title">
          Shared inboxes
        </h2>
        <p className="card__description">New conversations from this channel appear in these inboxes.</p>
      </div>
      {channel.inboxes.length ? (
        <ul className="linked-inboxes">
          {channel.inboxes.map((inbox) => (
            <li key={inbox.id} className="linked-inboxes__item">
              <InboxChip inbox={inbox} />
              {admin ? (
                <button
                  type="button"
                  className="button button--ghost button--small"
                  disabled={busy}
                  onClick={() => change(() => unlinkInbox(inbox.id, channel.id))}
                  aria-label={`Unlink ${inbox.name}`}
                >
                  Unlink
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="notice">
          This channel doesn't feed any shared inbox, so its mail isn't shown to anyone.
        </p>
      )}
      {admin && available.length ? (
        <form className="link-inbox" onSubmit={link}>
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
      ) : null}
      {admin ? (
        <p className="form__note">
          Create and edit shared inboxes in <Link to="/settings/inboxes">Settings › Inboxes</Link>.
        </p>
      ) : null}
      <FormError message={error} />
    </section>
  );
}

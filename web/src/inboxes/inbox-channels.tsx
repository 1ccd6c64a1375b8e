import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";
import { errorMessage } from "../api.ts";
import { FormError } from "../ui/form-error.tsx";
import { OutlookIcon } from "../ui/icons.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { type ChannelOption, type Inbox, linkChannel, unlinkChannel } from "./inboxes-api.ts";

interface InboxChannelsProps {
  inbox: Inbox;
  /** Every channel of the org when the viewer manages inboxes; null for read-only viewers. */
  orgChannels: ChannelOption[] | null;
  onChanged(message: string): Promise<void>;
}

const STATUS_LABEL: Record<string, string> = {
  needs_reauth: "Needs reconnecting",
  disconnected: "Disconnected",
};

/** The mailboxes feeding an inbox; admins link and unlink them here. */
export function InboxChannels({ inbox, orgChannels, onChanged }: InboxChannelsProps) {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const manage = orgChannels !== null;
  const statusOf = (id: string) => orgChannels?.find((c) => c.id === id)?.status;

  const unlink = (channel: { id: string; email: string }) =>
    void run(async () => {
      setError(null);
      try {
        await unlinkChannel(inbox.id, channel.id);
        await onChanged(`${channel.email} no longer feeds ${inbox.name}`);
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return (
    <div className="inbox-channels">
      {inbox.channels.length === 0 ? (
        <p className="muted">No channels feed this inbox yet.</p>
      ) : (
        <ul className="channel-chips" aria-label={`Channels feeding ${inbox.name}`}>
          {inbox.channels.map((channel) => {
            const status = statusOf(channel.id);
            return (
              <li key={channel.id} className="channel-chip">
                <OutlookIcon className="channel-chip__icon" />
                <span className="channel-chip__email">{channel.email}</span>
                {status && STATUS_LABEL[status] ? (
                  <span className="badge badge--warning">{STATUS_LABEL[status]}</span>
                ) : null}
                {manage ? (
                  <button
                    type="button"
                    className="button button--ghost button--small channel-chip__unlink"
                    onClick={() => unlink(channel)}
                    disabled={busy}
                    aria-label={`Unlink ${channel.email} from ${inbox.name}`}
                  >
                    Unlink
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {manage ? (
        <LinkChannelForm
          inbox={inbox}
          orgChannels={orgChannels}
          busy={busy}
          run={run}
          onError={setError}
          onChanged={onChanged}
        />
      ) : null}
      <FormError message={error} />
    </div>
  );
}

interface LinkChannelFormProps {
  inbox: Inbox;
  orgChannels: ChannelOption[];
  busy: boolean;
  run(action: () => Promise<void>): Promise<void>;
  onError(message: string | null): void;
  onChanged(message: string): Promise<void>;
}

function LinkChannelForm({ inbox, orgChannels, busy, run, onError, onChanged }: LinkChannelFormProps) {
  const selectId = useId();
  const linked = new Set(inbox.channels.map((c) => c.id));
  const available = orgChannels.filter((c) => !linked.has(c.id));
  const [choice, setChoice] = useState("");
  const channel = available.find((c) => c.id === choice) ?? available[0];

  if (orgChannels.length === 0) {
    return (
      <p className="muted inbox-channels__hint">
        No mailboxes are connected yet. <Link to="/settings/channels">Connect one in Channels</Link>.
      </p>
    );
  }
  if (!channel) return null;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!channel) return;
    void run(async () => {
      onError(null);
      try {
        await linkChannel(inbox.id, channel.id);
        setChoice("");
        await onChanged(`${channel.email} now feeds ${inbox.name}`);
      } catch (e) {
        onError(errorMessage(e));
      }
    });
  }

  return (
    <form className="link-channel" onSubmit={onSubmit}>
      <label className="link-channel__label" htmlFor={selectId}>
        Link a channel to {inbox.name}
      </label>
      <div className="link-channel__row">
        <select
          id={selectId}
          className="input select select--compact link-channel__select"
          value={channel.id}
          onChange={(e) => setChoice(e.target.value)}
          disabled={busy}
        >
          {available.map((c) => (
            <option key={c.id} value={c.id}>
              {c.displayName && c.displayName !== c.email ? `${c.email} · ${c.displayName}` : c.email}
            </option>
          ))}
        </select>
        <button type="submit" className="button button--secondary button--small" disabled={busy}>
          {busy ? "Linking…" : "Link"}
        </button>
      </div>
    </form>
  );
}

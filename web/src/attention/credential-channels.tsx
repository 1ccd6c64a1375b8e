import { useEffect } from "react";
import { Link, useSearchParams } from "react-router";
import { ChannelStatusBadge } from "../channels/channel-bits.tsx";
import type { CredentialsView } from "../outlook/outlook-api.ts";
import { FormError } from "../ui/form-error.tsx";
import { useReconnect } from "./use-reconnect.ts";
import "./attention.css";

/** Set while "Reconnect all" walks the channels: each sign-in comes back here, and the next starts. */
const WALKING_KEY = "mailroom.reconnectAll";

/**
 * The channels signed in with the org's app, each with Reconnect when it needs it (after new
 * credentials are saved, every channel does), and "Reconnect all" that walks them in turn: each
 * Microsoft sign-in returns to this page, which opens the next one until none is left.
 */
export function CredentialChannels({ channels }: { channels: CredentialsView["channels"] }) {
  const reconnect = useReconnect();
  const [search] = useSearchParams();
  const pending = channels.filter((c) => c.status !== "connected");

  useEffect(() => {
    if (sessionStorage.getItem(WALKING_KEY) !== "1" || !search.get("reconnected")) return;
    const next = pending[0];
    if (next) void reconnect.go(next.id, "credentials");
    else sessionStorage.removeItem(WALKING_KEY);
  }, [search, pending, reconnect]);

  const reconnectAll = () => {
    const first = pending[0];
    if (!first) return;
    sessionStorage.setItem(WALKING_KEY, "1");
    void reconnect.go(first.id, "credentials");
  };

  return (
    <section className="card" aria-labelledby="used-by-title">
      <h2 className="card__title" id="used-by-title">
        Channels using these credentials
      </h2>
      {pending.length ? (
        <p className="notice">
          {pending.length === 1 ? "One channel needs" : `${pending.length} channels need`} to be reconnected
          so
          {pending.length === 1 ? " it signs" : " they sign"} in with these credentials.
        </p>
      ) : null}
      {channels.length ? (
        <ul className="used-by">
          {channels.map((channel) => (
            <li key={channel.id} className="used-by__item">
              <Link to={`/settings/channels/${channel.id}`}>{channel.email}</Link>
              <ChannelStatusBadge status={channel.status} />
              {channel.status !== "connected" ? (
                <button
                  type="button"
                  className="button button--secondary button--small used-by__action"
                  disabled={reconnect.leaving !== null}
                  onClick={() => void reconnect.go(channel.id, "credentials")}
                  aria-label={`Reconnect ${channel.email}`}
                >
                  {reconnect.leaving === channel.id ? "Opening Microsoft…" : "Reconnect"}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No channel uses them yet.</p>
      )}
      {pending.length > 1 ? (
        <button
          type="button"
          className="button button--primary reconnect-all"
          disabled={reconnect.leaving !== null}
          onClick={reconnectAll}
        >
          Reconnect all ({pending.length})
        </button>
      ) : null}
      <FormError message={reconnect.error} />
    </section>
  );
}

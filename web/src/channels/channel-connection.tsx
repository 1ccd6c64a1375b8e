import { Link } from "react-router";
import { useGoToMicrosoft } from "../outlook/use-go-to-microsoft.ts";
import { FormError } from "../ui/form-error.tsx";
import { Time } from "../ui/time.tsx";
import { credentialsLabel } from "./channel-bits.tsx";
import type { ChannelDetail } from "./channels-api.ts";

/** Who connected the mailbox, when, with which app — and Reconnect when it needs it. */
export function ChannelConnection({ channel, admin }: { channel: ChannelDetail; admin: boolean }) {
  const microsoft = useGoToMicrosoft();
  const needsConnecting = channel.status !== "connected";
  return (
    <section className="card" aria-labelledby="connection-title">
      <h2 className="card__title" id="connection-title">
        Connection
      </h2>
      {needsConnecting ? (
        <div className="notice channel-reconnect">
          <p>
            {channel.status === "needs_reauth"
              ? "Microsoft stopped accepting this channel's sign-in, so mail isn't syncing. Reconnect to pick up where it left off — settings, aliases and inbox links are kept."
              : "This channel is disconnected. Reconnect it to receive and send mail again; its settings are kept."}
          </p>
          {admin ? (
            <button
              type="button"
              className="button button--primary button--small"
              disabled={microsoft.leaving}
              onClick={() => void microsoft.go("channels", channel.credentialSource)}
            >
              {microsoft.leaving ? "Opening Microsoft…" : "Reconnect"}
            </button>
          ) : (
            <p>Ask your admin to reconnect it.</p>
          )}
        </div>
      ) : null}
      <FormError message={microsoft.error} />
      <dl className="facts">
        <div className="facts__row">
          <dt>Address</dt>
          <dd>{channel.email}</dd>
        </div>
        <div className="facts__row">
          <dt>Mailbox name</dt>
          <dd>{channel.mailboxName ?? <span className="muted">—</span>}</dd>
        </div>
        <div className="facts__row">
          <dt>Connected</dt>
          <dd>
            {channel.connectedBy ? (
              <>
                by {channel.connectedBy.name} <span className="muted">
                  ({channel.connectedBy.email})
                </span>{" "}
              </>
            ) : null}
            {channel.connectedAt ? <Time value={channel.connectedAt} /> : null}
          </dd>
        </div>
        <div className="facts__row">
          <dt>Credentials</dt>
          <dd>
            {credentialsLabel(channel)}
            {admin && channel.credentialSource === "byoc" ? (
              <>
                {" "}
                · <Link to="/settings/channels/credentials">Manage</Link>
              </>
            ) : null}
          </dd>
        </div>
      </dl>
    </section>
  );
}

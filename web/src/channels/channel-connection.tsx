import { Link } from "react-router";
import { attentionWords } from "../attention/attention-api.ts";
import { useReconnect } from "../attention/use-reconnect.ts";
import { FormError } from "../ui/form-error.tsx";
import { Time } from "../ui/time.tsx";
import { credentialsLabel } from "./channel-bits.tsx";
import type { ChannelDetail } from "./channels-api.ts";

type Reconnect = ReturnType<typeof useReconnect>;

/** Who connected the mailbox, when, with which app — and Reconnect when it needs it. */
export function ChannelConnection({ channel, admin }: { channel: ChannelDetail; admin: boolean }) {
  const reconnect = useReconnect();
  return (
    <section className="card" aria-labelledby="connection-title">
      <h2 className="card__title" id="connection-title">
        Connection
      </h2>
      {channel.status !== "connected" ? (
        <ReconnectNotice channel={channel} admin={admin} reconnect={reconnect} />
      ) : null}
      <FormError message={reconnect.error} />
      <ConnectionFacts channel={channel} admin={admin} />
    </section>
  );
}

/** Why the mailbox stopped syncing, what must happen first, and Reconnect (for admins). */
function ReconnectNotice(props: { channel: ChannelDetail; admin: boolean; reconnect: Reconnect }) {
  const { channel, admin, reconnect } = props;
  const words = attentionWords(channel.status, channel.statusReason);
  return (
    <div className="notice channel-reconnect">
      {channel.status === "needs_reauth" ? (
        <p>
          Not syncing since <Time value={channel.statusChangedAt} />: {words.reason}. Reconnect to pick up
          where it left off — settings, aliases and inbox links are kept.
        </p>
      ) : (
        <p>
          This channel is disconnected. Reconnect it to receive and send mail again; its settings are kept.
        </p>
      )}
      {admin && words.action === "update_secret" ? (
        <p>
          Create a new client secret in Azure and{" "}
          <Link to="/settings/channels/credentials">update it in Mailroom</Link> first, then reconnect.
        </p>
      ) : null}
      {admin && words.action === "azure" ? (
        <p>An admin of your Microsoft 365 organisation must fix this in Azure first, then reconnect.</p>
      ) : null}
      {admin ? (
        <button
          type="button"
          className="button button--primary button--small"
          disabled={reconnect.leaving !== null}
          onClick={() => void reconnect.go(channel.id)}
        >
          {reconnect.leaving ? "Opening Microsoft…" : "Reconnect"}
        </button>
      ) : (
        <p>Ask your admin to reconnect it.</p>
      )}
    </div>
  );
}

/** Address, mailbox name, who connected it and when, and with which app's credentials. */
function ConnectionFacts({ channel, admin }: { channel: ChannelDetail; admin: boolean }) {
  return (
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
              by {channel.connectedBy.name} <span className="muted">({channel.connectedBy.email})</span>{" "}
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
  );
}

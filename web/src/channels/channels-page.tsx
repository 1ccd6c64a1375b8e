import { Link } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { attentionWords } from "../attention/attention-api.ts";
import { useReconnect } from "../attention/use-reconnect.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { useConnectOptions } from "../outlook/use-connect-options.ts";
import { FormError } from "../ui/form-error.tsx";
import { KeyIcon, OutlookIcon, PlugIcon } from "../ui/icons.tsx";
import { EmptyState, Loading, PageHeader } from "../ui/page.tsx";
import { Time } from "../ui/time.tsx";
import { useLoad } from "../ui/use-load.ts";
import { ChannelStatusBadge, credentialsLabel, InboxChip } from "./channel-bits.tsx";
import { type ChannelSummary, listChannels, type SyncHealthSummary } from "./channels-api.ts";
import { refetchOn } from "./refetch-on.ts";
import { SyncHealthLine } from "./sync-health.tsx";
import { useSyncHealthSummaries } from "./sync-health-live.ts";
import "./channels.css";

/** Settings > Channels: every connected mailbox, its status, credentials and the inboxes it feeds. */
export function ChannelsPage() {
  const me = useMe();
  const admin = canManageOrg(me.org?.role);
  const [channels, reload] = useLoad(() => listChannels().then((r) => r.channels), "channels");
  const [options, reloadOptions] = useConnectOptions();
  const health = useSyncHealthSummaries();
  useLiveEvents((event) => {
    if (refetchOn(event.type)) {
      void reload();
      void reloadOptions();
    }
  });
  const hasByoc = admin && options.status === "ready" && options.data.byoc !== null;

  return (
    <div className="page">
      <PageHeader
        title="Channels"
        description="The Outlook and Microsoft 365 mailboxes Mailroom receives mail from and replies through."
        actions={
          admin ? (
            <>
              {hasByoc ? (
                <Link className="button button--secondary" to="/settings/channels/credentials">
                  <KeyIcon className="button__icon" />
                  Microsoft credentials
                </Link>
              ) : null}
              <Link className="button button--primary" to="/settings/channels/new">
                New Channel
              </Link>
            </>
          ) : null
        }
      />
      {channels.status === "loading" ? (
        <Loading label="Loading channels…" />
      ) : channels.status === "failed" ? (
        <p className="alert alert--error" role="alert">
          {channels.message}
        </p>
      ) : channels.data.length === 0 ? (
        <EmptyState icon={<PlugIcon />} title="No channels connected">
          <p>
            Connect the Outlook or Microsoft 365 mailbox your customers write to. New mail lands in your
            shared inbox within seconds, and replies go out from that address.
          </p>
          {admin ? (
            <Link className="button button--primary" to="/settings/channels/new">
              New Channel
            </Link>
          ) : (
            <p className="notice">Only owners and admins can connect channels — ask your admin.</p>
          )}
        </EmptyState>
      ) : (
        <ul className="channel-list" aria-label="Channels">
          {channels.data.map((channel) => (
            <ChannelRow key={channel.id} channel={channel} health={health.get(channel.id)} admin={admin} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ChannelRow({
  channel,
  health,
  admin,
}: {
  channel: ChannelSummary;
  health: SyncHealthSummary | undefined;
  admin: boolean;
}) {
  return (
    <li className="channel-row">
      <OutlookIcon className="channel-row__icon" />
      <div className="channel-row__main">
        <div className="channel-row__top">
          <Link className="channel-row__email" to={`/settings/channels/${channel.id}`}>
            {channel.email}
          </Link>
          <ChannelStatusBadge status={channel.status} />
        </div>
        <p className="channel-row__meta">
          <span>{channel.displayName}</span>
          <span aria-hidden="true"> · </span>
          <span>{credentialsLabel(channel)}</span>
        </p>
        {health && channel.status === "connected" ? <SyncHealthLine health={health} /> : null}
        {channel.status === "needs_reauth" ? <NeedsReconnect channel={channel} admin={admin} /> : null}
        {channel.inboxes.length ? (
          <p className="channel-row__inboxes">
            <span className="muted">Feeds </span>
            {channel.inboxes.map((inbox) => (
              <InboxChip key={inbox.id} inbox={inbox} />
            ))}
          </p>
        ) : (
          <p className="channel-row__inboxes muted">Not linked to a shared inbox</p>
        )}
      </div>
    </li>
  );
}

/** Why it stopped, since when, and Reconnect for owners and admins. */
function NeedsReconnect({ channel, admin }: { channel: ChannelSummary; admin: boolean }) {
  const reconnect = useReconnect();
  const words = attentionWords(channel.status, channel.statusReason);
  return (
    <div className="channel-state">
      <p className="channel-state__text">
        Not syncing since <Time value={channel.statusChangedAt} />: {words.reason}.
      </p>
      {admin && words.action === "update_secret" ? (
        <Link className="button button--secondary button--small" to="/settings/channels/credentials">
          Update the client secret
        </Link>
      ) : null}
      {admin && words.action !== "update_secret" ? (
        <button
          type="button"
          className="button button--primary button--small"
          disabled={reconnect.leaving !== null}
          onClick={() => void reconnect.go(channel.id)}
          aria-label={`Reconnect ${channel.email}`}
        >
          {reconnect.leaving ? "Opening Microsoft…" : "Reconnect"}
        </button>
      ) : null}
      <FormError message={reconnect.error} />
    </div>
  );
}

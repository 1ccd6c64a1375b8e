import { useParams, useSearchParams } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { useLiveEvents } from "../live/use-live-events.ts";
import { StatusMessage } from "../ui/form-error.tsx";
import { Loading, PageHeader, PageHeading } from "../ui/page.tsx";
import { useLoad } from "../ui/use-load.ts";
import { BackfillPanel } from "./backfill-panel.tsx";
import { ChannelAliases } from "./channel-aliases.tsx";
import { ChannelStatusBadge } from "./channel-bits.tsx";
import { ChannelConnection } from "./channel-connection.tsx";
import { ChannelInboxes } from "./channel-inboxes.tsx";
import { ChannelSettingsForm } from "./channel-settings-form.tsx";
import { getChannel } from "./channels-api.ts";
import { DisconnectChannel } from "./disconnect-channel.tsx";
import { Breadcrumb } from "./new-channel-page.tsx";
import { refetchOn } from "./refetch-on.ts";
import { SyncHealth } from "./sync-health.tsx";
import "./channels.css";

/** `/settings/channels/:id`: one mailbox — status, aliases, settings, inboxes, disconnect. */
export function ChannelPage() {
  const { id = "" } = useParams();
  const [search] = useSearchParams();
  const me = useMe();
  const admin = canManageOrg(me.org?.role);
  const [channel, reload] = useLoad(() => getChannel(id).then((r) => r.channel), id);
  useLiveEvents((event) => {
    if (refetchOn(event.type)) void reload();
  });

  if (channel.status === "loading") return <Loading label="Loading channel…" />;
  if (channel.status === "failed") {
    return (
      <div className="page">
        <Breadcrumb />
        <PageHeading title={channel.notFound ? "Channel not found" : "Channel"} />
        <p className="alert alert--error" role="alert">
          {channel.notFound
            ? "This channel was disconnected, or belongs to another organization."
            : channel.message}
        </p>
      </div>
    );
  }
  const c = channel.data;
  return (
    <div className="page">
      <Breadcrumb />
      <PageHeader
        title={c.email}
        description={
          <span className="channel-heading">
            <ChannelStatusBadge status={c.status} />
            <span>Outlook · sends as “{c.displayName}”</span>
          </span>
        }
        actions={admin ? <DisconnectChannel channel={c} /> : null}
      />
      {admin ? null : (
        <p className="notice">
          You can see this channel's settings. Only owners and admins can change them — ask your admin.
        </p>
      )}
      <StatusMessage
        message={
          search.get("reconnected") && c.status === "connected"
            ? "Reconnected. Mail that arrived meanwhile is being caught up; settings, aliases and inbox links are as they were."
            : null
        }
      />
      {search.get("note") === "cancelled" && c.status !== "connected" ? (
        <p className="notice">
          You cancelled on Microsoft's page, so the channel is still waiting to be reconnected.
        </p>
      ) : null}
      <ChannelConnection channel={c} admin={admin} />
      <SyncHealth channel={c} admin={admin} />
      <BackfillPanel channel={c} admin={admin} />
      <ChannelAliases channel={c} admin={admin} onChanged={reload} />
      <ChannelSettingsForm key={`${c.id}`} channel={c} admin={admin} onSaved={reload} />
      <ChannelInboxes channel={c} admin={admin} onChanged={reload} />
    </div>
  );
}

import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { PlugIcon } from "../ui/icons.tsx";
import { EmptyState, PageHeader } from "../ui/page.tsx";
import { ConnectOutlookButton } from "./connect-outlook-button.tsx";

/**
 * Settings > Channels: the mailboxes Mailroom reads and sends from. The Connect issue adds
 * New Channel > Outlook, the channel list and each channel's page.
 */
export function ChannelsPage() {
  const me = useMe();
  const admin = canManageOrg(me.org?.role);
  return (
    <div className="page">
      <PageHeader
        title="Channels"
        description="The Outlook and Microsoft 365 mailboxes Mailroom receives mail from and replies through."
      />
      <EmptyState icon={<PlugIcon />} title="No channels connected">
        <p>
          Each connected mailbox will be listed here with its address, sync health and settings: the sender
          name, signature, aliases and the shared inboxes it feeds.
        </p>
        {admin ? (
          <ConnectOutlookButton />
        ) : (
          <p className="notice">Only owners and admins can connect channels — ask your admin.</p>
        )}
      </EmptyState>
    </div>
  );
}

import { Link } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { InboxIcon } from "../ui/icons.tsx";
import { EmptyState, PageHeader } from "../ui/page.tsx";

/** The shared inbox. Conversations arrive with the sync issue; for now, its empty state. */
export function InboxPage() {
  const me = useMe();
  const admin = canManageOrg(me.org?.role);
  return (
    <div className="page">
      <PageHeader title="Inbox" description="Customer conversations from every connected mailbox." />
      <EmptyState icon={<InboxIcon />} title="Your inbox is empty">
        <p>No conversations yet. Connect an inbox to start receiving mail.</p>
        {admin ? (
          <Link className="button button--primary" to="/settings/channels">
            Go to Settings › Channels
          </Link>
        ) : (
          <p className="muted">Only owners and admins can connect channels — ask your admin.</p>
        )}
      </EmptyState>
    </div>
  );
}

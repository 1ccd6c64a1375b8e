import { Link } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { InboxIcon, PlugIcon } from "../ui/icons.tsx";
import { EmptyState, Loading } from "../ui/page.tsx";
import { ConversationList } from "./conversation-list.tsx";
import type { ChannelImport } from "./inbox-api.ts";
import { NothingMatches, type Selection } from "./inbox-parts.tsx";
import type { ConversationsState } from "./use-conversations.ts";

/** The list itself, or its error, loading and empty states. */
export function ListBody({
  list,
  filtered,
  onResetFilters,
  inboxName,
  selectedId,
  selection,
  hrefFor,
}: {
  list: ConversationsState;
  filtered: boolean;
  onResetFilters(): void;
  inboxName?: string;
  selectedId: string | null;
  selection: Selection;
  hrefFor(id: string): string;
}) {
  if (list.error && list.items === null)
    return (
      <p className="alert alert--error" role="alert">
        {list.error}
      </p>
    );
  if (list.items === null) return <Loading label="Loading conversations…" />;
  if (list.items.length === 0)
    return filtered ? (
      <NothingMatches onReset={onResetFilters} />
    ) : (
      <EmptyList channels={list.channels} inboxName={inboxName} />
    );
  return (
    <>
      <ConversationList
        items={list.items}
        selectedId={selectedId}
        isChecked={selection.has}
        onCheck={selection.set}
        hrefFor={hrefFor}
        channels={list.channels}
      />
      {list.hasMore ? (
        <button
          type="button"
          className="button button--secondary button--block inbox-view__more"
          onClick={() => void list.loadMore()}
          disabled={list.loadingMore}
        >
          {list.loadingMore ? "Loading…" : "Show older conversations"}
        </button>
      ) : null}
    </>
  );
}

/**
 * "Importing…" while a channel's first import runs. A channel that needs reconnecting is the app
 * shell's banner's business (attention/); the list marks its conversations "Not syncing".
 */
export function ChannelNotices({ channels, hasItems }: { channels: ChannelImport[]; hasItems: boolean }) {
  const importing = channels.filter((c) => c.importing);
  if (!hasItems || importing.length === 0) return null;
  return (
    <p className="notice inbox-view__notice" role="status">
      Importing the last 7 days from {importing.map((c) => c.email).join(", ")}…
    </p>
  );
}

function EmptyList({ channels, inboxName }: { channels: ChannelImport[]; inboxName?: string }) {
  const me = useMe();
  const admin = canManageOrg(me.org?.role);
  if (channels.some((c) => c.importing))
    return (
      <EmptyState icon={<InboxIcon />} title="Importing the last 7 days…">
        <p role="status">Your conversations appear here as they arrive. This usually takes a minute.</p>
      </EmptyState>
    );
  if (channels.length === 0)
    return (
      <EmptyState icon={<PlugIcon />} title="No mailbox connected">
        <p>
          {inboxName
            ? `No mailbox feeds ${inboxName} yet.`
            : "No conversations yet. Connect an inbox to start receiving mail."}
        </p>
        {admin ? (
          <Link className="button button--primary" to="/settings/channels">
            Go to Settings › Channels
          </Link>
        ) : (
          <p className="muted">Only owners and admins can connect channels — ask your admin.</p>
        )}
      </EmptyState>
    );
  return (
    <EmptyState icon={<InboxIcon />} title="No conversations yet">
      <p>New mail to {channels.map((c) => c.email).join(", ")} appears here as it arrives.</p>
    </EmptyState>
  );
}

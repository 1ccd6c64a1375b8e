import { useEffect, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { errorMessage } from "../api.ts";
import { NewEmailButton } from "../compose/new-email.tsx";
import { useInboxes } from "../inboxes/use-inboxes.ts";
import { InboxIcon, PlugIcon } from "../ui/icons.tsx";
import { EmptyState, Loading, PageHeading } from "../ui/page.tsx";
import { BulkArea } from "./bulk-bar.tsx";
import { ConversationList } from "./conversation-list.tsx";
import { ConversationPane } from "./conversation-pane.tsx";
import { actOnConversation, type ChannelImport, type ConversationAction } from "./inbox-api.ts";
import {
  InboxNav,
  NothingMatches,
  OpenActions,
  type Selection,
  useMarkReadOnOpen,
  useSelection,
} from "./inbox-parts.tsx";
import { ListFilters, useInboxUrl } from "./list-filters.tsx";
import { ShortcutsDialog } from "./shortcuts-dialog.tsx";
import { useBulkAction } from "./use-bulk-action.ts";
import { type ConversationsState, useConversations } from "./use-conversations.ts";
import { useListKeys } from "./use-list-keys.ts";
import "../inboxes/inboxes.css";
import "./inbox.css";
import "./inbox-actions.css";

/** Below this width the list and the open conversation are separate views (inbox.css agrees). */
const TWO_PANES = "(min-width: 900px)";

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    list.addEventListener("change", onChange);
    onChange();
    return () => list.removeEventListener("change", onChange);
  }, [query]);
  return matches;
}

/**
 * The shared inbox: the member's inboxes, the conversations of the chosen one (or all), filtered
 * and searched, and the open conversation. The inbox, the filters and the open conversation are
 * in the URL (`?inbox=…&status=…&unread=1&q=…&c=…`), so Back, reloads and shared links work. The
 * list stays live through server-sent events; opening a conversation marks it read (in Outlook
 * too); a selection takes bulk actions; single keys work the list (keyboard.ts, "?" lists them).
 */
export function InboxPage() {
  const navigate = useNavigate();
  const { inboxId, selected, filter, search, setFilter } = useInboxUrl();
  const { view, status, unread, q } = filter;
  const twoPanes = useMediaQuery(TWO_PANES);
  const { inboxes } = useInboxes(false);
  const list = useConversations(inboxId, { status, unread, q });
  const scope = inboxId ? inboxes?.find((i) => i.id === inboxId) : undefined;
  const title = inboxId ? (scope?.name ?? "Inbox") : "All inboxes";
  const selection = useSelection(`${inboxId}|${view}|${unread}|${q}`);
  const bulk = useBulkAction();
  const [help, setHelp] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const listRef = useRef<HTMLElement>(null);
  useMarkReadOnOpen(selected, list.items);

  const runBulk = async (action: ConversationAction) => {
    const started = await bulk.start(
      action,
      selection.allMatching
        ? { allMatching: { ...(inboxId ? { inboxId } : {}), status, unread, q } }
        : { ids: [...selection.ids] },
    );
    if (started) selection.clear();
  };

  /** One conversation, now; the open one moves on to the next in the list when it leaves it. */
  const actOn = async (id: string, action: ConversationAction) => {
    const items = list.items ?? [];
    const at = items.findIndex((c) => c.id === id);
    const next = items[at + 1] ?? items[at - 1];
    try {
      const { outcome } = await actOnConversation(id, action);
      setNotice(outcome.ok ? null : (outcome.error ?? "Microsoft refused the change"));
      const leaves = action.type === "archive" || action.type === "move";
      if (outcome.ok && leaves && id === selected) navigate(search({ c: next?.id ?? null }));
    } catch (e) {
      setNotice(errorMessage(e));
    }
  };

  useListKeys({
    listRef,
    selected,
    selection,
    navigate,
    closeHref: search({ c: null }),
    archiveSelection: () => void runBulk({ type: "archive" }),
    archiveOne: (id) => void actOn(id, { type: "archive" }),
    help: () => setHelp(true),
  });

  const openItem = list.items?.find((c) => c.id === selected);

  return (
    <div className={`inbox-view${selected ? " inbox-view--reading" : ""}`}>
      <InboxNav inboxes={inboxes ?? []} inboxId={inboxId} search={search} />

      <section className="inbox-view__list" aria-label={title} ref={listRef}>
        <header className="inbox-view__header">
          <PageHeading title={title} documentTitle="Inbox" className="inbox-view__title" />
          <button type="button" className="button button--ghost button--small" onClick={() => setHelp(true)}>
            Shortcuts <kbd>?</kbd>
          </button>
          <NewEmailButton channels={list.channels} />
        </header>
        <ListFilters view={view} unread={Boolean(unread)} q={q ?? ""} onChange={setFilter} />
        <BulkArea
          selection={selection}
          canSelectAll={!selection.allMatching && (list.hasMore || selection.count !== list.items?.length)}
          bulk={bulk}
          onAction={(action) => void runBulk(action)}
        />
        <ChannelNotices channels={list.channels} hasItems={Boolean(list.items?.length)} />
        <ListBody
          list={list}
          filtered={status !== "open" || Boolean(unread) || Boolean(q)}
          onResetFilters={() => setFilter({ view: "open", unread: false, q: "" })}
          inboxName={scope?.name}
          selectedId={selected}
          selection={selection}
          hrefFor={(c) => search({ c })}
        />
        <p className="visually-hidden" role="status">
          {list.announcement}
        </p>
      </section>

      <section className="inbox-view__pane" aria-label="Conversation">
        {selected ? (
          <>
            <OpenActions
              status={openItem?.status}
              onAction={(action) => void actOn(selected, action)}
              notice={notice}
            />
            <ConversationPane id={selected} backHref={search({ c: null })} focusOnOpen={!twoPanes} />
          </>
        ) : (
          <p className="inbox-view__placeholder muted">Choose a conversation to read it here.</p>
        )}
      </section>
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}

/** The list itself, or its error, loading and empty states. */
function ListBody({
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
function ChannelNotices({ channels, hasItems }: { channels: ChannelImport[]; hasItems: boolean }) {
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

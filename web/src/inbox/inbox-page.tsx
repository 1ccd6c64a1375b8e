import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { NewEmailButton } from "../compose/new-email.tsx";
import { useInboxes } from "../inboxes/use-inboxes.ts";
import { PageHeading } from "../ui/page.tsx";
import { BulkArea } from "./bulk-bar.tsx";
import { ConversationPane } from "./conversation-pane.tsx";
import type { ConversationAction, ConversationItem } from "./inbox-api.ts";
import { InboxNav, OpenActions, selectionChannel, useMarkReadOnOpen, useSelection } from "./inbox-parts.tsx";
import { ChannelNotices, ListBody } from "./list-body.tsx";
import { ListFilters, useInboxUrl } from "./list-filters.tsx";
import { ShortcutsDialog } from "./shortcuts-dialog.tsx";
import { useConversations } from "./use-conversations.ts";
import { useInboxActions } from "./use-inbox-actions.ts";
import { useListKeys } from "./use-list-keys.ts";
import "../inboxes/inboxes.css";
import "./inbox.css";
import "./inbox-actions.css";

/** Below this width the list and the open conversation are separate views (inbox-wide.css agrees). */
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
  const [help, setHelp] = useState(false);
  const listRef = useRef<HTMLElement>(null);
  useMarkReadOnOpen(selected, list.items);

  const { bulk, runBulk, actOn, notice } = useInboxActions({
    list,
    selected,
    selection,
    inboxId,
    filter,
    search,
  });

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

  return (
    <div className={`inbox-view${selected ? " inbox-view--reading" : ""}`}>
      <InboxNav inboxes={inboxes ?? []} inboxId={inboxId} search={search} />

      <section className="inbox-view__list" aria-label={title} ref={listRef}>
        <header className="inbox-view__header">
          <PageHeading title={title} documentTitle="Inbox" className="inbox-view__title" />
          <div className="inbox-view__header-actions">
            {/* The key itself, named for screen readers and on hover: the title keeps its line. */}
            <button
              type="button"
              className="button button--ghost button--small"
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (?)"
              onClick={() => setHelp(true)}
            >
              <kbd>?</kbd>
            </button>
            <NewEmailButton channels={list.channels} />
          </div>
        </header>
        <ListFilters view={view} unread={Boolean(unread)} q={q ?? ""} onChange={setFilter} />
        <BulkArea
          selection={selection}
          channelId={selectionChannel(selection, list.items ?? [], list.channels)}
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

      <ReadingPane
        selected={selected}
        status={list.items?.find((c) => c.id === selected)?.status}
        channelId={list.items?.find((c) => c.id === selected)?.channel.id}
        onAction={(id, action) => void actOn(id, action)}
        notice={notice}
        backHref={search({ c: null })}
        focusOnOpen={!twoPanes}
      />
      <ShortcutsDialog open={help} onClose={() => setHelp(false)} />
    </div>
  );
}

/** The open conversation with its actions, or a hint to choose one. */
function ReadingPane({
  selected,
  status,
  channelId,
  onAction,
  notice,
  backHref,
  focusOnOpen,
}: {
  selected: string | null;
  status?: ConversationItem["status"];
  channelId: string | undefined;
  onAction(id: string, action: ConversationAction): void;
  notice: string | null;
  backHref: string;
  focusOnOpen: boolean;
}) {
  return (
    <section className="inbox-view__pane" aria-label="Conversation">
      {selected ? (
        <>
          <OpenActions
            status={status}
            channelId={channelId}
            onAction={(action) => onAction(selected, action)}
            notice={notice}
          />
          <ConversationPane id={selected} backHref={backHref} focusOnOpen={focusOnOpen} />
        </>
      ) : (
        <p className="inbox-view__placeholder muted">Choose a conversation to read it here.</p>
      )}
    </section>
  );
}

import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { errorMessage } from "../api.ts";
import { useInboxes } from "../inboxes/use-inboxes.ts";
import { InboxIcon, PlugIcon } from "../ui/icons.tsx";
import { EmptyState, Loading, PageHeading } from "../ui/page.tsx";
import { BulkBar, BulkProgress } from "./bulk-bar.tsx";
import { ConversationList } from "./conversation-list.tsx";
import { ConversationPane } from "./conversation-pane.tsx";
import { actOnConversation, type ChannelImport, type ConversationAction } from "./inbox-api.ts";
import { InboxNav, NothingMatches, OpenActions, useMarkReadOnOpen, useSelection } from "./inbox-parts.tsx";
import { useInboxKeyboard } from "./keyboard.ts";
import { filterFromParams, ListFilters, type StatusView } from "./list-filters.tsx";
import { ShortcutsDialog } from "./shortcuts-dialog.tsx";
import { useBulkAction } from "./use-bulk-action.ts";
import { useConversations } from "./use-conversations.ts";
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
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const inboxId = params.get("inbox");
  const selected = params.get("c");
  const filter = filterFromParams(params);
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

  const search = (next: { inbox?: string | null; c?: string | null }) => {
    const out = new URLSearchParams(params);
    const inbox = next.inbox === undefined ? inboxId : next.inbox;
    out.delete("c");
    if (inbox) out.set("inbox", inbox);
    else out.delete("inbox");
    if (next.c) out.set("c", next.c);
    const text = out.toString();
    return text ? `?${text}` : "?";
  };

  const setFilter = useCallback(
    (next: { view?: StatusView; unread?: boolean; q?: string }) =>
      setParams((current) => {
        const out = new URLSearchParams(current);
        if (next.view !== undefined)
          next.view === "open" ? out.delete("status") : out.set("status", next.view);
        if (next.unread !== undefined) next.unread ? out.set("unread", "1") : out.delete("unread");
        if (next.q !== undefined) next.q ? out.set("q", next.q) : out.delete("q");
        return out;
      }),
    [setParams],
  );

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

  const links = () => [
    ...(listRef.current?.querySelectorAll<HTMLAnchorElement>("a.conversation-item") ?? []),
  ];
  const focusedLink = () => links().find((l) => l === document.activeElement);
  const idOf = (link: HTMLAnchorElement | undefined) =>
    link ? new URLSearchParams(link.search).get("c") : null;

  useInboxKeyboard({
    move(step) {
      const all = links();
      if (all.length === 0) return;
      let at = all.indexOf(focusedLink()!);
      if (at === -1) at = all.findIndex((l) => l.getAttribute("aria-current") === "true");
      const next =
        all[at === -1 ? (step === 1 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1)];
      next?.focus();
      next?.scrollIntoView({ block: "nearest" });
    },
    open() {
      const link = focusedLink() ?? links()[0];
      if (link) navigate(link.search);
    },
    archive() {
      if (selection.count !== 0) void runBulk({ type: "archive" });
      else {
        const id = selected ?? idOf(focusedLink());
        if (id) void actOn(id, { type: "archive" });
      }
    },
    toggleSelect() {
      const id = idOf(focusedLink()) ?? selected;
      if (id) selection.set(id, !selection.has(id));
    },
    escape() {
      if (selection.count !== 0) selection.clear();
      else if (selected) {
        navigate(search({ c: null }));
        links()
          .find((l) => idOf(l) === selected)
          ?.focus();
      }
    },
    help: () => setHelp(true),
    hasOpen: () => selected !== null,
  });

  const openItem = list.items?.find((c) => c.id === selected);
  const canSelectAll = !selection.allMatching && (list.hasMore || selection.count !== list.items?.length);

  return (
    <div className={`inbox-view${selected ? " inbox-view--reading" : ""}`}>
      <InboxNav inboxes={inboxes ?? []} inboxId={inboxId} search={search} />

      <section className="inbox-view__list" aria-label={title} ref={listRef}>
        <header className="inbox-view__header">
          <PageHeading title={title} documentTitle="Inbox" className="inbox-view__title" />
          <button type="button" className="button button--ghost button--small" onClick={() => setHelp(true)}>
            Shortcuts <kbd>?</kbd>
          </button>
        </header>
        <ListFilters view={view} unread={Boolean(unread)} q={q ?? ""} onChange={setFilter} />
        {selection.count !== 0 ? (
          <BulkBar
            count={selection.allMatching ? null : selection.count}
            canSelectAll={canSelectAll}
            onSelectAll={selection.selectAllMatching}
            onClear={selection.clear}
            onAction={(action) => void runBulk(action)}
            busy={bulk.current !== null && bulk.current.status !== "done" && bulk.current.status !== "failed"}
          />
        ) : null}
        {bulk.error ? (
          <p className="alert alert--error" role="alert">
            {bulk.error}
          </p>
        ) : null}
        {bulk.current ? <BulkProgress action={bulk.current} onDismiss={bulk.dismiss} /> : null}
        <ChannelNotices channels={list.channels} hasItems={Boolean(list.items?.length)} />
        {list.error && list.items === null ? (
          <p className="alert alert--error" role="alert">
            {list.error}
          </p>
        ) : list.items === null ? (
          <Loading label="Loading conversations…" />
        ) : list.items.length === 0 ? (
          status !== "open" || unread || q ? (
            <NothingMatches onReset={() => setFilter({ view: "open", unread: false, q: "" })} />
          ) : (
            <EmptyList channels={list.channels} inboxName={scope?.name} />
          )
        ) : (
          <>
            <ConversationList
              items={list.items}
              selectedId={selected}
              isChecked={selection.has}
              onCheck={selection.set}
              hrefFor={(c) => search({ c })}
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
        )}
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

/** "Importing…" while a channel's first import runs; "reconnect" when one needs it. */
function ChannelNotices({ channels, hasItems }: { channels: ChannelImport[]; hasItems: boolean }) {
  const importing = channels.filter((c) => c.importing);
  const broken = channels.filter((c) => c.status === "needs_reauth");
  return (
    <>
      {hasItems && importing.length ? (
        <p className="notice inbox-view__notice" role="status">
          Importing the last 7 days from {importing.map((c) => c.email).join(", ")}…
        </p>
      ) : null}
      {broken.map((c) => (
        <p key={c.id} className="notice inbox-view__notice">
          {c.email} needs to be reconnected before new mail arrives.{" "}
          <Link to={`/settings/channels/${encodeURIComponent(c.id)}`}>Open the channel</Link>
        </p>
      ))}
    </>
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

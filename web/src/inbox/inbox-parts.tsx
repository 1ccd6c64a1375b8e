import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { colorClass } from "../inboxes/inbox-colors.ts";
import { InboxIcon } from "../ui/icons.tsx";
import { EmptyState } from "../ui/page.tsx";
import { actOnConversation, type ConversationAction, type ConversationItem } from "./inbox-api.ts";
import { MoveMenu } from "./move-menu.tsx";

/** The member's inboxes, and "All inboxes". */
export function InboxNav({
  inboxes,
  inboxId,
  search,
}: {
  inboxes: { id: string; name: string; color: string }[];
  inboxId: string | null;
  search(next: { inbox?: string | null }): string;
}) {
  return (
    <nav className="inbox-view__inboxes" aria-label="Inboxes">
      <ul className="inbox-nav">
        <li>
          <Link
            className="inbox-nav__link"
            to={search({ inbox: null })}
            aria-current={inboxId === null ? "page" : undefined}
          >
            <InboxIcon className="inbox-nav__icon" />
            All inboxes
          </Link>
        </li>
        {inboxes.map((inbox) => (
          <li key={inbox.id}>
            <Link
              className="inbox-nav__link"
              to={search({ inbox: inbox.id })}
              aria-current={inboxId === inbox.id ? "page" : undefined}
            >
              <span className={`inbox-nav__dot ${colorClass(inbox.color)}`} aria-hidden="true" />
              {inbox.name}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The empty state of a filtered or searched list. */
export function NothingMatches({ onReset }: { onReset(): void }) {
  return (
    <EmptyState icon={<InboxIcon />} title="Nothing matches">
      <p>No conversation matches these filters.</p>
      <button type="button" className="button button--secondary" onClick={onReset}>
        Show all open conversations
      </button>
    </EmptyState>
  );
}

/** Actions on the open conversation, above it. */
export function OpenActions({
  status,
  channelId,
  notice,
  onAction,
}: {
  status: "open" | "closed" | undefined;
  /** The conversation's mailbox, once known: its folders are the move targets. */
  channelId: string | undefined;
  notice: string | null;
  onAction(action: ConversationAction): void;
}) {
  return (
    <div className="open-actions" role="toolbar" aria-label="This conversation">
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => onAction({ type: "archive" })}
      >
        Archive <kbd>e</kbd>
      </button>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => onAction({ type: "markUnread" })}
      >
        Mark unread
      </button>
      {status === "closed" ? (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => onAction({ type: "reopen" })}
        >
          Reopen
        </button>
      ) : (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => onAction({ type: "close" })}
        >
          Close
        </button>
      )}
      <MoveMenu channelId={channelId} onMove={(folderId) => onAction({ type: "move", folderId })} />
      {notice ? (
        <p className="alert alert--error open-actions__notice" role="alert">
          {notice}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Opening a conversation marks it read, here and in Outlook (the server PATCHes each unread
 * message). Once per opening; not when the list already shows it read.
 */
export function useMarkReadOnOpen(id: string | null, items: ConversationItem[] | null): void {
  const marked = useRef<string | null>(null);
  useEffect(() => {
    if (!id) {
      marked.current = null;
      return;
    }
    if (marked.current === id || items === null) return;
    marked.current = id;
    const item = items.find((c) => c.id === id);
    if (item && item.unreadCount === 0) return;
    // A failure shows nowhere: the conversation just stays unread, as Outlook would show it.
    void actOnConversation(id, { type: "markRead" }).catch(() => undefined);
  }, [id, items]);
}

export interface Selection {
  ids: ReadonlySet<string>;
  /** "All matching this filter", however many pages. */
  allMatching: boolean;
  /** 0 when nothing is selected; -1 for all matching. */
  count: number;
  has(id: string): boolean;
  set(id: string, checked: boolean): void;
  selectAllMatching(): void;
  clear(): void;
}

/**
 * The one mailbox every selected conversation is in, or undefined when they span several: the
 * checked ones' mailboxes, or for "all matching" the mailboxes behind the view.
 */
export function selectionChannel(
  selection: Selection,
  items: ConversationItem[],
  channels: { id: string }[],
): string | undefined {
  const ids = selection.allMatching
    ? new Set(channels.map((c) => c.id))
    : new Set(items.filter((c) => selection.has(c.id)).map((c) => c.channel.id));
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** The checked conversations; cleared whenever `scope` (inbox and filters) changes. */
export function useSelection(scope: string): Selection {
  const [ids, setIds] = useState<ReadonlySet<string>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the scope is the trigger
  useEffect(() => {
    setIds(new Set());
    setAllMatching(false);
  }, [scope]);
  const set = useCallback((id: string, checked: boolean) => {
    setAllMatching(false);
    setIds((current) => {
      const next = new Set(current);
      if (checked) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  return useMemo(
    () => ({
      ids,
      allMatching,
      count: allMatching ? -1 : ids.size,
      has: (id: string) => allMatching || ids.has(id),
      set,
      selectAllMatching: () => setAllMatching(true),
      clear: () => {
        setIds(new Set());
        setAllMatching(false);
      },
    }),
    [ids, allMatching, set],
  );
}

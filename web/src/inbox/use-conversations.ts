import { useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "../api.ts";
import { RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import {
  type ChannelImport,
  type ConversationItem,
  type ListFilter,
  listConversations,
  refetchConversations,
} from "./inbox-api.ts";

export interface ConversationsState {
  items: ConversationItem[] | null;
  channels: ChannelImport[];
  hasMore: boolean;
  loadingMore: boolean;
  error: string | null;
  /** Words for a polite live region when mail arrives ("2 conversations updated"). */
  announcement: string;
  loadMore(): Promise<void>;
}

/** Newest activity first; ties by id, as the server orders them. */
function byActivity(a: ConversationItem, b: ConversationItem): number {
  const diff = Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt);
  return diff !== 0 ? diff : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Live updates arriving together are fetched together. */
const BATCH_MS = 120;

/**
 * The conversation list of one scope (an inbox, or null for all), kept live: a
 * `conversations.updated` event refetches just the named conversations (or the first page when
 * it names none) and merges them in place, so the list, its scroll position and the selection
 * survive. A reconnected stream refetches the first page, in case events were missed.
 */
export function useConversations(inboxId: string | null, filter: ListFilter = {}): ConversationsState {
  // The filter's fields, not its object identity, decide when the list starts over.
  const { status, unread, q } = filter;
  const [items, setItems] = useState<ConversationItem[] | null>(null);
  const [channels, setChannels] = useState<ChannelImport[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const scope = useRef(0);
  const cursorRef = useRef<string | null>(null);
  cursorRef.current = cursor;
  const itemsRef = useRef<ConversationItem[] | null>(null);
  itemsRef.current = items;
  const pending = useRef<{ ids: Set<string>; all: boolean; timer?: ReturnType<typeof setTimeout> }>({
    ids: new Set(),
    all: false,
  });

  /** First page, merged with what is loaded beyond it (first load: replaces). */
  const refreshFirstPage = useCallback(
    async (merge: boolean) => {
      const mine = scope.current;
      try {
        const page = await listConversations(inboxId, { status, unread, q });
        if (mine !== scope.current) return;
        setError(null);
        if (page.channels) setChannels(page.channels);
        const previous = itemsRef.current;
        if (!merge || !previous || previous.length <= page.conversations.length || !cursorRef.current) {
          setItems(page.conversations);
          setCursor(page.nextCursor);
          return;
        }
        // Keep the pages loaded below the first one; the first page is the truth above its end.
        const last = page.conversations.at(-1);
        const fresh = new Set(page.conversations.map((c) => c.id));
        const below = previous.filter((c) => !fresh.has(c.id) && last && byActivity(last, c) < 0);
        setItems([...page.conversations, ...below]);
      } catch (e) {
        if (mine === scope.current) setError(errorMessage(e));
      }
    },
    [inboxId, status, unread, q],
  );

  const refreshSome = useCallback(
    async (ids: string[]) => {
      const mine = scope.current;
      try {
        const page = await refetchConversations(inboxId, { status, unread, q }, ids);
        if (mine !== scope.current) return;
        const found = new Map(page.conversations.map((c) => [c.id, c]));
        setItems((previous) => {
          if (!previous) return previous;
          const last = previous.at(-1);
          const more = cursorRef.current !== null;
          const kept = previous.filter((c) => !ids.includes(c.id));
          // A conversation that now sorts below the loaded pages belongs to a page not loaded yet.
          const added = [...found.values()].filter((c) => !more || !last || byActivity(c, last) <= 0);
          return [...kept, ...added].sort(byActivity);
        });
        if (found.size > 0)
          setAnnouncement(
            found.size === 1
              ? `Conversation updated: ${[...found.values()][0]!.subject || "(no subject)"}`
              : `${found.size} conversations updated`,
          );
      } catch {
        // The next event or reconnect catches up; a failed live refresh is not worth an alert.
      }
    },
    [inboxId, status, unread, q],
  );

  // Live refreshes are scheduled on a timer: they call the latest scope's functions, never the
  // ones of the filters in force when the timer was set.
  const latest = useRef({ refreshFirstPage, refreshSome });
  latest.current = { refreshFirstPage, refreshSome };

  useEffect(() => {
    scope.current++;
    clearTimeout(pending.current.timer);
    pending.current = { ids: new Set(), all: false };
    setItems(null);
    setCursor(null);
    setChannels([]);
    setError(null);
    void refreshFirstPage(false);
  }, [refreshFirstPage]);

  useEffect(
    () => () => {
      clearTimeout(pending.current.timer);
    },
    [],
  );

  const flush = () => {
    const { ids, all } = pending.current;
    pending.current = { ids: new Set(), all: false };
    if (all) void latest.current.refreshFirstPage(true);
    else if (ids.size > 0) void latest.current.refreshSome([...ids]);
  };

  const schedule = (ids: string[] | null) => {
    const p = pending.current;
    if (ids === null) p.all = true;
    else for (const id of ids) p.ids.add(id);
    if (p.ids.size > 100) p.all = true;
    if (p.timer === undefined) p.timer = setTimeout(flush, BATCH_MS);
  };

  useLiveEvents((event) => {
    if (event.type === "conversations.updated") {
      // null: too many to name, refetch the first page.
      schedule(event.data.conversationIds);
    } else if (
      event.type === RECONNECTED ||
      event.type === "inboxes.updated" ||
      event.type === "channels.updated" ||
      (event.type === "sync.progress" && event.data.kind === "initial" && event.data.status !== "running")
    ) {
      schedule(null);
    }
  });

  const loadMore = useCallback(async () => {
    const from = cursorRef.current;
    if (!from) return;
    const mine = scope.current;
    setLoadingMore(true);
    try {
      const page = await listConversations(inboxId, { status, unread, q }, from);
      if (mine !== scope.current) return;
      setItems((previous) => {
        const have = new Set((previous ?? []).map((c) => c.id));
        return [...(previous ?? []), ...page.conversations.filter((c) => !have.has(c.id))];
      });
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === scope.current) setError(errorMessage(e));
    } finally {
      if (mine === scope.current) setLoadingMore(false);
    }
  }, [inboxId, status, unread, q]);

  return { items, channels, hasMore: cursor !== null, loadingMore, error, announcement, loadMore };
}

import {
  type Dispatch,
  type RefObject,
  type SetStateAction,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";
import { errorMessage } from "../api.ts";
import { appendPage, mergeFirstPage, mergeRefetched, updateAnnouncement } from "./conversation-merge.ts";
import {
  type ChannelImport,
  type ConversationItem,
  type ListFilter,
  listConversations,
  refetchConversations,
} from "./inbox-api.ts";
import { useLiveRefetch } from "./use-live-refetch.ts";

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
  const scope = useRef(0);
  const cursorRef = useRef<string | null>(null);
  cursorRef.current = cursor;
  const itemsRef = useRef<ConversationItem[] | null>(null);
  itemsRef.current = items;

  /** First page, merged with what is loaded beyond it (first load: replaces). */
  const refreshFirstPage = useCallback(
    async (merge: boolean) => {
      const mine = scope.current;
      try {
        const page = await listConversations(inboxId, { status, unread, q });
        if (mine !== scope.current) return;
        setError(null);
        if (page.channels) setChannels(page.channels);
        const { items: merged, replaced } = mergeFirstPage(
          merge ? itemsRef.current : null,
          page.conversations,
          cursorRef.current !== null,
        );
        setItems(merged);
        if (replaced) setCursor(page.nextCursor);
      } catch (e) {
        if (mine === scope.current) setError(errorMessage(e));
      }
    },
    [inboxId, status, unread, q],
  );

  const { refreshSome, announcement } = useRefreshSome(inboxId, filter, scope, cursorRef, setItems);
  useLiveRefetch({ refreshFirstPage, refreshSome }, refreshFirstPage);

  useEffect(() => {
    scope.current++;
    setItems(null);
    setCursor(null);
    setChannels([]);
    setError(null);
    void refreshFirstPage(false);
  }, [refreshFirstPage]);

  const loadMore = useCallback(async () => {
    const from = cursorRef.current;
    if (!from) return;
    const mine = scope.current;
    setLoadingMore(true);
    try {
      const page = await listConversations(inboxId, { status, unread, q }, from);
      if (mine !== scope.current) return;
      setItems((previous) => appendPage(previous, page.conversations));
      setCursor(page.nextCursor);
    } catch (e) {
      if (mine === scope.current) setError(errorMessage(e));
    } finally {
      if (mine === scope.current) setLoadingMore(false);
    }
  }, [inboxId, status, unread, q]);

  return { items, channels, hasMore: cursor !== null, loadingMore, error, announcement, loadMore };
}

/**
 * Refetches the conversations a live event names and merges them in place; says in words what
 * changed ("2 conversations updated") for a polite live region.
 */
function useRefreshSome(
  inboxId: string | null,
  { status, unread, q }: ListFilter,
  scope: RefObject<number>,
  cursorRef: RefObject<string | null>,
  setItems: Dispatch<SetStateAction<ConversationItem[] | null>>,
) {
  const [announcement, setAnnouncement] = useState("");
  const refreshSome = useCallback(
    async (ids: string[]) => {
      const mine = scope.current;
      try {
        const page = await refetchConversations(inboxId, { status, unread, q }, ids);
        if (mine !== scope.current) return;
        const found = [...new Map(page.conversations.map((c) => [c.id, c])).values()];
        setItems((previous) => previous && mergeRefetched(previous, ids, found, cursorRef.current !== null));
        const announcement = updateAnnouncement(found);
        if (announcement) setAnnouncement(announcement);
      } catch {
        // The next event or reconnect catches up; a failed live refresh is not worth an alert.
      }
    },
    [inboxId, status, unread, q, scope, cursorRef, setItems],
  );
  return { refreshSome, announcement };
}

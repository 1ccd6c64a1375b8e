import { useEffect, useRef } from "react";
import { useLiveEvents } from "../live/use-live-events.ts";
import { refetchFor } from "./conversation-merge.ts";

/** Live updates arriving together are fetched together. */
const BATCH_MS = 120;

/** Past this many named conversations, one first-page refetch is cheaper than naming them all. */
const MAX_IDS = 100;

interface Pending {
  ids: Set<string>;
  all: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

export interface LiveRefetch {
  /** Refetch the first page and merge it with what is loaded beyond it. */
  refreshFirstPage(merge: true): Promise<void>;
  /** Refetch just these conversations and merge them in place. */
  refreshSome(ids: string[]): Promise<void>;
}

/**
 * Turns the live events the list cares about into batched refetches: the conversations named
 * within BATCH_MS are fetched in one call, and an event naming none (or a reconnected stream)
 * refetches the first page. A new `scope` (another inbox or filter) drops what is pending.
 */
export function useLiveRefetch(refetch: LiveRefetch, scope: unknown): void {
  const pending = useRef<Pending>({ ids: new Set(), all: false });
  // Refreshes run on a timer: they call the latest scope's functions, never the ones of the
  // filters in force when the timer was set.
  const latest = useRef(refetch);
  latest.current = refetch;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new scope is the reason to reset.
  useEffect(() => {
    clearTimeout(pending.current.timer);
    pending.current = { ids: new Set(), all: false };
  }, [scope]);

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
    if (p.ids.size > MAX_IDS) p.all = true;
    if (p.timer === undefined) p.timer = setTimeout(flush, BATCH_MS);
  };

  useLiveEvents((event) => {
    const wanted = refetchFor(event);
    if (wanted !== null) schedule(wanted === "first-page" ? null : wanted);
  });
}

import { useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../api.ts";
import { actOnConversation, type ConversationAction, type ListFilter } from "./inbox-api.ts";
import type { Selection } from "./inbox-parts.tsx";
import { useBulkAction } from "./use-bulk-action.ts";
import type { ConversationsState } from "./use-conversations.ts";

interface InboxActionsInput {
  list: ConversationsState;
  /** The open conversation. */
  selected: string | null;
  selection: Selection;
  inboxId: string | null;
  filter: ListFilter;
  /** The search string of the inbox URL with another conversation open (useInboxUrl). */
  search(next: { c?: string | null }): string;
}

/**
 * The inbox's actions: on the selection (a bulk action, and its progress in `bulk`) and on one
 * conversation, now, with what Microsoft refused in `notice`.
 */
export function useInboxActions({ list, selected, selection, inboxId, filter, search }: InboxActionsInput) {
  const navigate = useNavigate();
  const { status, unread, q } = filter;
  const bulk = useBulkAction();
  const [notice, setNotice] = useState<string | null>(null);

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

  return { bulk, runBulk, actOn, notice };
}

import { useState } from "react";
import { errorMessage } from "../api.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import {
  type BulkAction,
  type BulkSelection,
  type ConversationAction,
  getBulkAction,
  startBulkAction,
} from "./inbox-api.ts";

export interface BulkActionState {
  /** The latest bulk action started here: its progress, then its summary and failures. */
  current: BulkAction | null;
  error: string | null;
  start(action: ConversationAction, selection: BulkSelection): Promise<boolean>;
  dismiss(): void;
}

/**
 * Starts bulk actions and follows the latest one: `bulkActions.progress` events move its counters;
 * once it is done it is fetched again for the summary in words and the failed conversations.
 */
export function useBulkAction(): BulkActionState {
  const [current, setCurrent] = useState<BulkAction | null>(null);
  const [error, setError] = useState<string | null>(null);

  useLiveEvents((event) => {
    if (event.type !== "bulkActions.progress") return;
    const { bulkActionId, status, total, done, failed } = event.data;
    setCurrent((c) =>
      c && c.id === bulkActionId && c.status !== "done" ? { ...c, status, total, done, failed } : c,
    );
    if (status === "done" || status === "failed")
      void getBulkAction(bulkActionId).then(
        (r) => setCurrent((c) => (c && c.id === bulkActionId ? r.bulkAction : c)),
        () => undefined,
      );
  });

  return {
    current,
    error,
    async start(action, selection) {
      setError(null);
      try {
        const { bulkAction } = await startBulkAction(action, selection);
        setCurrent(bulkAction);
        return true;
      } catch (e) {
        setError(errorMessage(e));
        return false;
      }
    },
    dismiss() {
      setCurrent(null);
      setError(null);
    },
  };
}

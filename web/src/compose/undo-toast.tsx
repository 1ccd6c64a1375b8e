import type { OutboxItem } from "@mailroom/contract";
import { useEffect, useState } from "react";
import { ApiError } from "../api.ts";
import { undoSend } from "./compose-api.ts";

/**
 * "Sending… Undo" while the channel's undo window lasts; Undo cancels it on the server and hands
 * the message back to the composer. Past the window the toast says it went and goes away.
 */
export function UndoToast({
  item,
  onDone,
  onUndone,
}: {
  item: OutboxItem;
  onDone(): void;
  onUndone(item: OutboxItem): void;
}) {
  const until = Date.parse(item.willGoAt ?? item.sendAt);
  const [now, setNow] = useState(Date.now());
  const [error, setError] = useState<string | null>(null);
  const left = Math.max(0, Math.ceil((until - now) / 1000));

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (left > 0) return;
    const timer = setTimeout(onDone, 4000);
    return () => clearTimeout(timer);
  }, [left, onDone]);

  const undo = async () => {
    try {
      onUndone(await undoSend(item.id));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.title : "Undo failed");
    }
  };

  return (
    <div className="toast" role="status">
      {error ? (
        <span>{error}</span>
      ) : left > 0 ? (
        <>
          <span>
            {item.willGoAt ? `Queued: it will go at ${timeOf(item.willGoAt)}.` : `Sending in ${left} s…`}
          </span>
          <button
            type="button"
            className="button button--secondary button--small"
            onClick={() => void undo()}
          >
            Undo
          </button>
        </>
      ) : (
        <span>Sent.</span>
      )}
    </div>
  );
}

export function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

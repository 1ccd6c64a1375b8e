import type { OutboxItem } from "@mailroom/contract";
import { useState } from "react";
import { ApiError } from "../api.ts";
import { retrySend } from "./compose-api.ts";
import { timeOf } from "./undo-toast.tsx";

/**
 * The conversation's outgoing messages not yet in the thread: on their way (and when they will
 * go, when the mailbox's sending limits hold them) or failed, in words, with Retry.
 */
export function OutboxList({ items, onChanged }: { items: OutboxItem[]; onChanged(): void }) {
  if (items.length === 0) return null;
  return (
    <ul className="outbox" aria-label="Outgoing messages">
      {items.map((item) => (
        <OutboxEntry key={item.id} item={item} onChanged={onChanged} />
      ))}
    </ul>
  );
}

function OutboxEntry({ item, onChanged }: { item: OutboxItem; onChanged(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const to = item.to.map((r) => r.address).join(", ");
  const retry = async () => {
    setBusy(true);
    try {
      await retrySend(item.id);
      onChanged();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.title : "Retry failed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className={`outbox__item${item.error ? " outbox__item--failed" : ""}`}>
      <p>
        <strong>{item.subject || "(no subject)"}</strong> <span className="muted">to {to}</span>
      </p>
      {item.error ? (
        <div role="alert">
          <p className="alert alert--error">{item.error.message}</p>
          <button
            type="button"
            className="button button--secondary button--small"
            disabled={busy}
            onClick={() => void retry()}
          >
            Retry
          </button>
          {error ? <p className="field__error">{error}</p> : null}
        </div>
      ) : (
        <p className="muted">
          {item.willGoAt && Date.parse(item.willGoAt) > Date.now()
            ? `Queued by Microsoft's sending limits: it will go at ${timeOf(item.willGoAt)}.`
            : item.state === "sent"
              ? "Sent."
              : "Sending…"}
        </p>
      )}
    </li>
  );
}

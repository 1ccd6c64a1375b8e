import type { ChannelImport, OutboxItem } from "@mailroom/contract";
import { useState } from "react";
import { useChannelCompose } from "./compose-api.ts";
import { LazyComposer } from "./lazy-composer.tsx";
import { draftOf, filesOf } from "./undo-restore.ts";
import { UndoToast } from "./undo-toast.tsx";
import "./compose.css";

/**
 * "New email" from an inbox: pick the mailbox (when the inbox has several), then the composer.
 * The message starts a conversation of its own once the sync stores its Sent Items copy.
 */
export function NewEmailButton({ channels }: { channels: Pick<ChannelImport, "id" | "email" | "status">[] }) {
  const usable = channels.filter((c) => c.status === "connected");
  const [channelId, setChannelId] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [undone, setUndone] = useState<OutboxItem | null>(null);
  const [sent, setSent] = useState<OutboxItem | null>(null);
  const chosen = channelId ?? usable[0]?.id ?? null;
  const context = useChannelCompose(open ? chosen : null);
  if (usable.length === 0) return null;
  return (
    <div className="new-email">
      {sent ? (
        <UndoToast
          item={sent}
          onDone={() => setSent(null)}
          onUndone={(item) => {
            setSent(null);
            setUndone(item);
            setChannelId(item.channelId);
            setOpen(true);
          }}
        />
      ) : null}
      {!open ? (
        <button type="button" className="button button--primary button--small" onClick={() => setOpen(true)}>
          New email
        </button>
      ) : (
        <div className="new-email__dialog" role="dialog" aria-label="New email">
          {usable.length > 1 ? (
            <label>
              Mailbox{" "}
              <select value={chosen ?? ""} onChange={(e) => setChannelId(e.target.value)}>
                {usable.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.email}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {context.data ? (
            <LazyComposer
              key={`${chosen}:${undone?.id ?? ""}`}
              kind="new"
              restored={undone ? draftOf(undone) : undefined}
              restoredFiles={undone ? filesOf(undone) : undefined}
              context={context.data}
              draftKey={`channel:${chosen}`}
              onClose={() => {
                setOpen(false);
                setUndone(null);
              }}
              onSent={(item) => {
                setOpen(false);
                setUndone(null);
                setSent(item);
              }}
            />
          ) : context.error ? (
            <p className="alert alert--error">This mailbox can't send right now.</p>
          ) : (
            <p className="muted">Opening the composer…</p>
          )}
        </div>
      )}
    </div>
  );
}

import { useState } from "react";
import type { BulkAction, ConversationAction } from "./inbox-api.ts";
import type { Selection } from "./inbox-parts.tsx";
import { MoveMenu } from "./move-menu.tsx";
import type { BulkActionState } from "./use-bulk-action.ts";

/** Above the list: the bar while something is selected, then the latest bulk action's progress. */
export function BulkArea({
  selection,
  channelId,
  canSelectAll,
  bulk,
  onAction,
}: {
  selection: Selection;
  /** The one mailbox every selected conversation is in; undefined when they span several. */
  channelId: string | undefined;
  canSelectAll: boolean;
  bulk: BulkActionState;
  onAction(action: ConversationAction): void;
}) {
  const running = bulk.current !== null && bulk.current.status !== "done" && bulk.current.status !== "failed";
  return (
    <>
      {selection.count !== 0 ? (
        <BulkBar
          count={selection.allMatching ? null : selection.count}
          channelId={channelId}
          canSelectAll={canSelectAll}
          onSelectAll={selection.selectAllMatching}
          onClear={selection.clear}
          onAction={onAction}
          busy={running}
        />
      ) : null}
      {bulk.error ? (
        <p className="alert alert--error" role="alert">
          {bulk.error}
        </p>
      ) : null}
      {bulk.current ? <BulkProgress action={bulk.current} onDismiss={bulk.dismiss} /> : null}
    </>
  );
}

interface BulkBarProps {
  /** How many are selected; null when "all matching" is. */
  count: number | null;
  /** The one mailbox every selected conversation is in: its folders are offered to move to. */
  channelId: string | undefined;
  /** Offer "select all matching" (the list has more than what is selected). */
  canSelectAll: boolean;
  onSelectAll(): void;
  onClear(): void;
  onAction(action: ConversationAction): void;
  busy: boolean;
}

/** The actions a selection takes in one click, in the order the bar shows them. */
const ONE_CLICK: { label: string; action: ConversationAction }[] = [
  { label: "Archive", action: { type: "archive" } },
  { label: "Mark read", action: { type: "markRead" } },
  { label: "Mark unread", action: { type: "markUnread" } },
  { label: "Close", action: { type: "close" } },
  { label: "Reopen", action: { type: "reopen" } },
];

/** What to do with the selected conversations: shown while a selection exists. */
export function BulkBar({
  count,
  channelId,
  canSelectAll,
  onSelectAll,
  onClear,
  onAction,
  busy,
}: BulkBarProps) {
  return (
    <div className="bulk-bar" role="toolbar" aria-label="Selected conversations">
      <p className="bulk-bar__count">
        {count === null ? "All matching conversations selected" : `${count} selected`}
        {canSelectAll ? (
          <button type="button" className="button button--ghost button--small" onClick={onSelectAll}>
            Select all matching
          </button>
        ) : null}
        <button type="button" className="button button--ghost button--small" onClick={onClear}>
          Clear
        </button>
      </p>
      <div className="bulk-bar__actions">
        {ONE_CLICK.map(({ label, action }) => (
          <button
            key={label}
            type="button"
            className="button button--secondary button--small"
            disabled={busy}
            onClick={() => onAction(action)}
          >
            {label}
          </button>
        ))}
        {/* A selection across mailboxes gets only the folders every mailbox has. */}
        <MoveMenu
          channelId={channelId}
          className="bulk-bar__select"
          disabled={busy}
          onMove={(folderId) => onAction({ type: "move", folderId })}
        />
        <CategorizeForm onAction={onAction} busy={busy} />
      </div>
    </div>
  );
}

/** Categories typed comma-separated, set on every selected conversation. */
function CategorizeForm({ onAction, busy }: { onAction(action: ConversationAction): void; busy: boolean }) {
  const [categories, setCategories] = useState("");
  return (
    <form
      className="bulk-bar__categorize"
      onSubmit={(e) => {
        e.preventDefault();
        const list = categories
          .split(",")
          .map((c) => c.trim())
          .filter(Boolean);
        onAction({ type: "categorize", categories: list });
        setCategories("");
      }}
    >
      <input
        className="input input--small"
        aria-label="Categories, comma-separated"
        placeholder="Categories, comma-separated"
        value={categories}
        onChange={(e) => setCategories(e.target.value)}
      />
      <button type="submit" className="button button--secondary button--small" disabled={busy}>
        Categorize
      </button>
    </form>
  );
}

/** A bulk action's progress bar while it runs, then its result in words with what failed. */
export function BulkProgress({ action, onDismiss }: { action: BulkAction; onDismiss(): void }) {
  const finished = action.status === "done" || action.status === "failed";
  return (
    <div className={`bulk-progress${action.failed ? " bulk-progress--failures" : ""}`}>
      {finished ? (
        <p role="status" className="bulk-progress__summary">
          {action.summary ?? "Done"}
        </p>
      ) : (
        <>
          <label className="bulk-progress__label" htmlFor={`bulk-${action.id}`}>
            {action.total ? `Working… ${action.done} of ${action.total}` : "Starting…"}
          </label>
          <progress id={`bulk-${action.id}`} max={action.total || 1} value={action.done} />
        </>
      )}
      {finished && action.failures.length ? (
        <ul className="bulk-progress__failures">
          {action.failures.map((f) => (
            <li key={f.conversationId}>
              <strong>{f.subject || "(no subject)"}</strong>: {f.error}
            </li>
          ))}
        </ul>
      ) : null}
      {finished ? (
        <button type="button" className="button button--ghost button--small" onClick={onDismiss}>
          Dismiss
        </button>
      ) : null}
    </div>
  );
}

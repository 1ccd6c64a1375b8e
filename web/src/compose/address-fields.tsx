import type { ComposeContext, OutboxKind, Recipient } from "@mailroom/contract";
import { useId } from "react";
import type { LocalDraft } from "./draft-store.ts";
import { RecipientInput } from "./recipient-input.tsx";

interface AddressFieldsProps {
  kind: OutboxKind;
  context: ComposeContext;
  draft: LocalDraft;
  update(patch: Partial<LocalDraft>): void;
  /** The server's complaints by field. */
  fields: Record<string, string>;
  showCopies: boolean;
  onShowCopies(): void;
}

/**
 * From (the mailbox's own addresses; others only named, not offered), To / Cc / Bcc chips, and
 * the subject for new mail and forwards (replies keep Exchange's "RE: ").
 */
export function AddressFields({
  kind,
  context,
  draft,
  update,
  fields,
  showCopies,
  onShowCopies,
}: AddressFieldsProps) {
  const fromId = useId();
  const subjectId = useId();
  return (
    <>
      <div className="composer__row">
        <label htmlFor={fromId} className="recipients__label">
          From
        </label>
        <select
          id={fromId}
          className="input select select--compact composer__from"
          value={draft.from}
          onChange={(e) => update({ from: e.target.value })}
          aria-invalid={fields.from ? true : undefined}
        >
          {context.fromChoices.map((c) => (
            <option key={c.address} value={c.address}>
              {c.address}
              {c.isPrimary ? " (primary)" : ""}
            </option>
          ))}
        </select>
        {context.otherAddresses.length ? (
          <p className="muted composer__others">
            Also on the account, not addresses it can send from: {context.otherAddresses.join(", ")}
          </p>
        ) : null}
      </div>
      <RecipientInput
        label="To"
        focusOnOpen={draft.to.length === 0} // read once, when it first shows
        value={draft.to}
        onChange={(to: Recipient[]) => update({ to })}
        error={fields.to}
      />
      {showCopies ? (
        <>
          <RecipientInput label="Cc" value={draft.cc} onChange={(cc) => update({ cc })} error={fields.cc} />
          <RecipientInput
            label="Bcc"
            value={draft.bcc}
            onChange={(bcc) => update({ bcc })}
            error={fields.bcc}
          />
        </>
      ) : (
        <button type="button" className="button button--ghost button--small" onClick={onShowCopies}>
          Cc / Bcc
        </button>
      )}
      {kind === "new" || kind === "forward" ? (
        <div className="composer__row">
          <label htmlFor={subjectId} className="recipients__label">
            Subject
          </label>
          <input
            id={subjectId}
            type="text"
            value={draft.subject}
            onChange={(e) => update({ subject: e.target.value })}
          />
        </div>
      ) : null}
    </>
  );
}

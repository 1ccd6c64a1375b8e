import { useState } from "react";
import { cancelInvitation, type Invitation, roleLabel } from "../accounts/accounts-api.ts";
import { errorMessage } from "../api.ts";
import { CopyableLink } from "../ui/copy-button.tsx";
import { FormError } from "../ui/form-error.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { formatDate } from "./member-row.tsx";

/** Invitations not yet accepted, with their links and Cancel. */
export function PendingInvitations({
  invitations,
  onChanged,
}: {
  invitations: Invitation[];
  onChanged(): void;
}) {
  return (
    <section className="card" aria-labelledby="pending-title">
      <h2 id="pending-title" className="card__title">
        Pending invitations <span className="count">{invitations.length}</span>
      </h2>
      {invitations.length === 0 ? (
        <p className="muted">No pending invitations. People you invite appear here until they join.</p>
      ) : (
        <ul className="invitations">
          {invitations.map((invitation) => (
            <PendingInvitation key={invitation.id} invitation={invitation} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </section>
  );
}

function PendingInvitation({ invitation, onChanged }: { invitation: Invitation; onChanged(): void }) {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const cancel = () =>
    void run(async () => {
      setError(null);
      try {
        await cancelInvitation(invitation.id);
        onChanged();
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return (
    <li className="invitation">
      <div className="invitation__head">
        <p className="invitation__who">
          <strong>{invitation.email}</strong>
          <span className="badge">{roleLabel[invitation.role]}</span>
        </p>
        <p className="invitation__meta">
          Invited by {invitation.inviterName} · expires {formatDate(invitation.expiresAt)}
        </p>
      </div>
      <div className="invitation__actions">
        <CopyableLink url={invitation.url} label={`Invitation link for ${invitation.email}`} />
        <button
          type="button"
          className="button button--ghost-danger button--small"
          onClick={cancel}
          disabled={busy}
          aria-label={`Cancel invitation for ${invitation.email}`}
        >
          {busy ? "Cancelling…" : "Cancel"}
        </button>
      </div>
      <FormError message={error} />
    </li>
  );
}

import { useState } from "react";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { errorMessage } from "../api.ts";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { Loading, PageHeader } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { InboxCard } from "./inbox-card.tsx";
import { InboxFormDialog } from "./inbox-form-dialog.tsx";
import { deleteInbox, type Inbox } from "./inboxes-api.ts";
import "./inboxes.css";
import { useInboxes } from "./use-inboxes.ts";

/**
 * Settings > Inboxes: the org's shared inboxes, who sees each, and the channels feeding it.
 * Owners and admins create, edit, delete and link channels; members see it read-only.
 */
export function InboxesPage() {
  const me = useMe();
  const manage = canManageOrg(me.org?.role);
  const data = useInboxes(manage);
  // undefined: form closed; null: creating; an inbox: editing it.
  const [editing, setEditing] = useState<Inbox | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<Inbox | null>(null);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const [deleteBusy, runDelete] = useAsyncAction();
  const [status, setStatus] = useState<string | null>(null);

  const changed = async (message: string) => {
    setStatus(message);
    await data.reload();
  };

  const confirmDelete = () =>
    void runDelete(async () => {
      if (!deleting) return;
      setDeleteError(null);
      try {
        await deleteInbox(deleting.id);
        setDeleting(null);
        await changed(`${deleting.name} deleted`);
      } catch (e) {
        setDeleteError(errorMessage(e));
      }
    });

  return (
    <div className="page">
      <PageHeader
        title="Inboxes"
        description={
          manage
            ? "Group conversations for the people who handle them: choose who sees each inbox and which mailboxes feed it."
            : "The shared inboxes of your organization. Owners and admins set them up."
        }
        actions={
          manage ? (
            <button
              type="button"
              className="button button--primary"
              onClick={() => {
                setStatus(null);
                setEditing(null);
              }}
            >
              New inbox
            </button>
          ) : null
        }
      />
      <StatusMessage message={status} />
      <FormError message={data.error} />
      {data.error && !data.inboxes ? (
        <div>
          <button type="button" className="button button--secondary" onClick={() => void data.reload()}>
            Try again
          </button>
        </div>
      ) : null}
      {data.inboxes === null && !data.error ? <Loading label="Loading inboxes…" /> : null}
      {data.inboxes ? (
        <ul className="inbox-list" aria-label="Shared inboxes">
          {data.inboxes.map((inbox) => (
            <InboxCard
              key={inbox.id}
              inbox={inbox}
              manage={manage}
              orgChannels={data.channels}
              onEdit={(i) => {
                setStatus(null);
                setEditing(i);
              }}
              onDelete={(i) => {
                setDeleteError(null);
                setDeleting(i);
              }}
              onChanged={changed}
            />
          ))}
        </ul>
      ) : null}

      <InboxFormDialog
        editing={editing}
        onClose={() => setEditing(undefined)}
        onSaved={(inbox, created) => {
          setEditing(undefined);
          void changed(created ? `${inbox.name} created` : `${inbox.name} saved`);
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? "inbox"}?`}
        confirmLabel="Delete inbox"
        busy={deleteBusy}
        error={deleteError}
        onConfirm={confirmDelete}
        onCancel={() => setDeleting(null)}
      >
        <p>
          {deleting?.name} will be removed for everyone. Its channels stay connected and keep feeding any
          other inbox they are linked to. This can't be undone.
        </p>
      </ConfirmDialog>
    </div>
  );
}

import { useState } from "react";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { Loading, PageHeader } from "../ui/page.tsx";
import { useConfirmedAction } from "../ui/use-confirmed-action.ts";
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
  const [status, setStatus] = useState<string | null>(null);

  const changed = async (message: string) => {
    setStatus(message);
    await data.reload();
  };
  const deletion = useInboxDeletion(changed);

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
      <LoadingOrRetry loading={data.inboxes === null} error={data.error} onRetry={() => void data.reload()} />
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
              onDelete={deletion.ask}
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
      <DeleteInboxDialog deletion={deletion} />
    </div>
  );
}

/** "Loading…" until the inboxes are there, or Try again when they couldn't be loaded. */
function LoadingOrRetry({
  loading,
  error,
  onRetry,
}: {
  loading: boolean;
  error: string | null;
  onRetry(): void;
}) {
  if (!loading) return null;
  if (!error) return <Loading label="Loading inboxes…" />;
  return (
    <div>
      <button type="button" className="button button--secondary" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

type Deletion = ReturnType<typeof useInboxDeletion>;

/** Deleting an inbox: asked for with `ask`, confirmed in a dialog, then `changed` says it's gone. */
function useInboxDeletion(changed: (message: string) => Promise<void>) {
  const deletion = useConfirmedAction(async (inbox: Inbox) => {
    await deleteInbox(inbox.id);
    deletion.cancel();
    await changed(`${inbox.name} deleted`);
  });
  return deletion;
}

function DeleteInboxDialog({ deletion }: { deletion: Deletion }) {
  const deleting = deletion.target;
  return (
    <ConfirmDialog
      open={deleting !== null}
      title={`Delete ${deleting?.name ?? "inbox"}?`}
      confirmLabel="Delete inbox"
      busy={deletion.busy}
      error={deletion.error}
      onConfirm={deletion.confirm}
      onCancel={deletion.cancel}
    >
      <p>
        {deleting?.name} will be removed for everyone. Its channels stay connected and keep feeding any other
        inbox they are linked to. This can't be undone.
      </p>
    </ConfirmDialog>
  );
}

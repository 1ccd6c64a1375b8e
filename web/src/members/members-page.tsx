import { useState } from "react";
import { canManageOrg, type Invitation, type Member, removeMember } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { errorMessage } from "../api.ts";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { FormError } from "../ui/form-error.tsx";
import { Loading, PageHeader } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { InvitationLinks } from "./invitation-links.tsx";
import { InviteForm } from "./invite-form.tsx";
import { MemberRow } from "./member-row.tsx";
import { PendingInvitations } from "./pending-invitations.tsx";
import { useTeam } from "./use-team.ts";

/** Settings > Members: who is in the org; owners and admins invite, change roles and remove. */
export function MembersPage() {
  const me = useMe();
  const role = me.org?.role ?? "member";
  const manage = canManageOrg(role);
  const team = useTeam(manage);
  const [justInvited, setJustInvited] = useState<Invitation[]>([]);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);
  const [removeBusy, run] = useAsyncAction();

  const confirmRemove = () =>
    void run(async () => {
      if (!removing) return;
      setRemoveError(null);
      try {
        await removeMember(removing.id);
        setRemoving(null);
        await team.reload();
      } catch (e) {
        setRemoveError(errorMessage(e));
      }
    });

  return (
    <div className="page">
      <PageHeader
        title="Members"
        description={
          manage
            ? "Invite teammates, choose what they can do, and remove people who have left."
            : "The people in your organization. Owners and admins manage the team."
        }
      />
      {manage ? (
        <section className="card" aria-labelledby="invite-title">
          <h2 id="invite-title" className="card__title">
            Invite people
          </h2>
          <InviteForm
            onInvited={(invitation) => {
              setJustInvited((list) => [invitation, ...list]);
              void team.reload();
            }}
          />
          <InvitationLinks invitations={justInvited} />
        </section>
      ) : null}

      {manage && team.members ? (
        <PendingInvitations invitations={team.invitations} onChanged={() => void team.reload()} />
      ) : null}

      <section className="card" aria-labelledby="members-title" aria-busy={team.members === null}>
        <h2 id="members-title" className="card__title">
          Members {team.members ? <span className="count">{team.members.length}</span> : null}
        </h2>
        <FormError message={team.error} />
        {team.error && !team.members ? (
          <button type="button" className="button button--secondary" onClick={() => void team.reload()}>
            Try again
          </button>
        ) : null}
        {team.members === null && !team.error ? <Loading label="Loading members…" /> : null}
        {team.members ? (
          <ul className="members">
            {team.members.map((member) => (
              <MemberRow
                key={member.id}
                member={member}
                viewerRole={role}
                isSelf={member.userId === me.user.id}
                onChanged={team.reload}
                onRemove={(m) => {
                  setRemoveError(null);
                  setRemoving(m);
                }}
              />
            ))}
          </ul>
        ) : null}
      </section>

      <ConfirmDialog
        open={removing !== null}
        title={`Remove ${removing?.name ?? "member"}?`}
        confirmLabel="Remove member"
        busy={removeBusy}
        error={removeError}
        onConfirm={confirmRemove}
        onCancel={() => setRemoving(null)}
      >
        <p>
          {removing?.name} ({removing?.email}) will lose access to this organization's inboxes right away. You
          can invite them again later.
        </p>
      </ConfirmDialog>
    </div>
  );
}

import { useState } from "react";
import { canManageOrg, type Invitation, type Member, removeMember } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { FormError } from "../ui/form-error.tsx";
import { Loading, PageHeader } from "../ui/page.tsx";
import { useConfirmedAction } from "../ui/use-confirmed-action.ts";
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
  const removal = useMemberRemoval(team.reload);

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
      {manage ? <InviteSection onInvited={() => void team.reload()} /> : null}

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
                onRemove={removal.ask}
              />
            ))}
          </ul>
        ) : null}
      </section>

      <RemoveMemberDialog removal={removal} />
    </div>
  );
}

/** Invite people, and the links of the invitations made on this visit (newest first). */
function InviteSection({ onInvited }: { onInvited(): void }) {
  const [justInvited, setJustInvited] = useState<Invitation[]>([]);
  return (
    <section className="card" aria-labelledby="invite-title">
      <h2 id="invite-title" className="card__title">
        Invite people
      </h2>
      <InviteForm
        onInvited={(invitation) => {
          setJustInvited((list) => [invitation, ...list]);
          onInvited();
        }}
      />
      <InvitationLinks invitations={justInvited} />
    </section>
  );
}

type Removal = ReturnType<typeof useMemberRemoval>;

/** Removing a member: asked for with `ask`, confirmed in a dialog, then the team is reloaded. */
function useMemberRemoval(reload: () => Promise<void>) {
  const removal = useConfirmedAction(async (member: Member) => {
    await removeMember(member.id);
    removal.cancel();
    await reload();
  });
  return removal;
}

function RemoveMemberDialog({ removal }: { removal: Removal }) {
  const removing = removal.target;
  return (
    <ConfirmDialog
      open={removing !== null}
      title={`Remove ${removing?.name ?? "member"}?`}
      confirmLabel="Remove member"
      busy={removal.busy}
      error={removal.error}
      onConfirm={removal.confirm}
      onCancel={removal.cancel}
    >
      <p>
        {removing?.name} ({removing?.email}) will lose access to this organization's inboxes right away. You
        can invite them again later.
      </p>
    </ConfirmDialog>
  );
}

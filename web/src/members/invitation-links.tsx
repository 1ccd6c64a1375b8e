import { type Invitation, roleLabel } from "../accounts/accounts-api.ts";
import { CopyableLink } from "../ui/copy-button.tsx";

/** Invitations just created, each with its link to share (Mailroom doesn't send the email itself). */
export function InvitationLinks({ invitations }: { invitations: Invitation[] }) {
  if (invitations.length === 0) return null;
  return (
    <section className="invitation-links" aria-labelledby="invitation-links-title">
      <h2 id="invitation-links-title" className="section-title">
        Share these invitation links
      </h2>
      <ul className="invitation-links__list">
        {invitations.map((invitation) => (
          <li key={invitation.id} className="invitation-links__item">
            <p className="invitation-links__who">
              <strong>{invitation.email}</strong>
              <span className="badge">{roleLabel[invitation.role]}</span>
            </p>
            <CopyableLink url={invitation.url} label={`Invitation link for ${invitation.email}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}

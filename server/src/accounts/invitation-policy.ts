import { type AppError, conflict, forbidden } from "../errors.ts";
import type { InvitationRecord } from "./invitations.ts";

/** Why this user can't accept this invitation now, or null when they can. */
export function acceptRefusal(found: InvitationRecord, userEmail: string): AppError | null {
  if (found.email.toLowerCase() !== userEmail.toLowerCase()) {
    return forbidden(
      "This invitation was sent to a different email address — log in with that address to accept it",
    );
  }
  switch (found.status) {
    case "pending":
      return null;
    case "accepted":
      return conflict("This invitation has already been accepted");
    case "expired":
      return conflict(`This invitation has expired — ask ${found.inviterName} for a new one`);
    default:
      return conflict(`This invitation was cancelled — ask ${found.inviterName} for a new one`);
  }
}

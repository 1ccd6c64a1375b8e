import { AppError, forbidden } from "../errors.ts";
import { MANAGER_ROLES, type Role, rolesRequiredMessage } from "./roles.ts";

/** A membership as the rules see it. */
export interface MemberRef {
  id: string;
  role: Role;
}

export interface MembershipChange {
  /** The member acting. */
  actor: MemberRef;
  /** The member acted on (the same as `actor` when someone leaves or changes their own role). */
  target: MemberRef;
  /** Owners in the org right now, read under the same lock as the change. */
  ownerCount: number;
}

const LAST_OWNER = "An organization needs at least one owner — make someone else an owner first";

/**
 * Why `actor` may not give `target` the role `newRole`, or null when they may. Owners change
 * anyone; admins change admins and members but never touch owners; the last owner stays owner.
 */
export function roleChangeRefusal(
  { actor, target, ownerCount }: MembershipChange,
  newRole: Role,
): AppError | null {
  if (!MANAGER_ROLES.includes(actor.role)) return forbidden(rolesRequiredMessage(MANAGER_ROLES));
  if (target.role === "owner" && actor.role !== "owner")
    return forbidden("Only owners can change an owner's role");
  if (newRole === "owner" && actor.role !== "owner")
    return forbidden("Only owners can make someone an owner");
  if (target.role === "owner" && newRole !== "owner" && ownerCount <= 1)
    return new AppError("conflict", LAST_OWNER);
  return null;
}

/**
 * Why `actor` may not remove `target`, or null when they may. Anyone may leave; owners and admins
 * remove others, admins never an owner; the last owner can't go.
 */
export function removalRefusal({ actor, target, ownerCount }: MembershipChange): AppError | null {
  const leaving = actor.id === target.id;
  if (!leaving && !MANAGER_ROLES.includes(actor.role)) {
    return forbidden("Only owners and admins can remove members — ask your admin");
  }
  if (!leaving && target.role === "owner" && actor.role !== "owner")
    return forbidden("Only owners can remove an owner");
  if (target.role === "owner" && ownerCount <= 1) {
    return new AppError(
      "conflict",
      leaving ? `You're the only owner. ${LAST_OWNER}, then leave` : LAST_OWNER,
    );
  }
  return null;
}

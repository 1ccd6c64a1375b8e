import { ROLES, type Role } from "@mailroom/contract";

/** The roles (owner, admin, member, most powerful first) are the contract's. */
export { INVITABLE_ROLES, ROLES, type Role } from "@mailroom/contract";

export const MANAGER_ROLES: Role[] = ["owner", "admin"];

/**
 * Reads a stored role. Better Auth stores roles as text (comma-separated when several); we only
 * ever write one. Anything unrecognised reads as the least powerful role, never a stronger one.
 */
export function parseRole(value: string | null | undefined): Role {
  const roles = (value ?? "").split(",").map((r) => r.trim());
  return ROLES.find((role) => roles.includes(role)) ?? "member";
}

/** "Only owners and admins can do this — ask your admin", from the roles a route allows. */
export function rolesRequiredMessage(allowed: readonly Role[]): string {
  const names = allowed.map((r) => `${r}s`);
  const list = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : (names[0] ?? "");
  const askWhom = allowed.includes("admin") ? "your admin" : "an owner";
  return `Only ${list} can do this — ask ${askWhom}`;
}

import { useState } from "react";
import { changeMemberRole, type Member, type Role, roleLabel } from "../accounts/accounts-api.ts";
import { errorMessage } from "../api.ts";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";

interface MemberRowProps {
  member: Member;
  viewerRole: Role;
  isSelf: boolean;
  /** Refetches the list; resolves once it shows the change. */
  onChanged(): Promise<void>;
  onRemove(member: Member): void;
}

/** One member: who, role (editable by owners and admins) and Remove. */
export function MemberRow({ member, viewerRole, isSelf, onChanged, onRemove }: MemberRowProps) {
  const { busy, error, status, pendingRole, changeRole } = useRoleChange(member, onChanged);
  const editable = canEdit(viewerRole, member.role) && !isSelf;
  const roles: Role[] = viewerRole === "owner" ? ["owner", "admin", "member"] : ["admin", "member"];

  return (
    <li className="member">
      <span className="avatar avatar--large" aria-hidden="true">
        {(member.name || member.email).trim().charAt(0).toUpperCase()}
      </span>
      <div className="member__who">
        <p className="member__name">
          {member.name}
          {isSelf ? <span className="muted"> (you)</span> : null}
        </p>
        <p className="member__email">{member.email}</p>
        <p className="member__since">Joined {formatDate(member.createdAt)}</p>
      </div>
      <div className="member__role">
        {editable ? (
          <RoleSelect
            member={member}
            roles={roles}
            value={pendingRole ?? member.role}
            disabled={busy}
            onChange={changeRole}
          />
        ) : (
          <span className={`badge badge--${member.role}`}>{roleLabel[member.role]}</span>
        )}
      </div>
      <div className="member__actions">
        {editable ? (
          <button
            type="button"
            className="button button--ghost-danger button--small"
            onClick={() => onRemove(member)}
            disabled={busy}
            aria-label={`Remove ${member.name}`}
          >
            Remove
          </button>
        ) : null}
      </div>
      <div className="member__feedback">
        <FormError message={error} />
        <StatusMessage message={status} />
      </div>
    </li>
  );
}

/** Changing a member's role: saved, the list refetched, then said in words. */
function useRoleChange(member: Member, onChanged: () => Promise<void>) {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  // Shown while the change is saved and the list refetched, so the select doesn't jump back.
  const [pendingRole, setPendingRole] = useState<Role | null>(null);

  const changeRole = (role: Role) =>
    void run(async () => {
      setError(null);
      setStatus(null);
      setPendingRole(role);
      try {
        await changeMemberRole(member.id, role);
        await onChanged();
        setStatus(`${member.name} is now ${role === "admin" ? "an" : "a"} ${roleLabel[role].toLowerCase()}`);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setPendingRole(null);
      }
    });
  return { busy, error, status, pendingRole, changeRole };
}

function RoleSelect(props: {
  member: Member;
  roles: Role[];
  value: Role;
  disabled: boolean;
  onChange(role: Role): void;
}) {
  const { member, roles } = props;
  const selectId = `role-${member.id}`;
  return (
    <>
      <label className="visually-hidden" htmlFor={selectId}>
        Role for {member.name}
      </label>
      <select
        id={selectId}
        className="input select select--compact"
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => {
          const role = roles.find((r) => r === e.target.value);
          if (role) props.onChange(role);
        }}
      >
        {roles.map((role) => (
          <option key={role} value={role}>
            {roleLabel[role]}
          </option>
        ))}
      </select>
    </>
  );
}

/** Owners manage everyone; admins manage admins and members, not owners. */
function canEdit(viewer: Role, target: Role): boolean {
  if (viewer === "owner") return true;
  return viewer === "admin" && target !== "owner";
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}

import { type FormEvent, useRef, useState } from "react";
import { createInvitation, type InvitableRole, type Invitation } from "../accounts/accounts-api.ts";
import { isEmailAddress, parseEmailList } from "../accounts/email-address.ts";
import { ApiError, errorMessage } from "../api.ts";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";

interface InviteFormProps {
  onInvited(invitation: Invitation): void;
}

type Errors = Partial<Record<"email" | "role", string>>;

/**
 * Invite one or several people (comma-separated) with a role. Each address becomes its own
 * invitation with a link to share; addresses that fail stay in the field with the reason.
 */
export function InviteForm({ onInvited }: InviteFormProps) {
  const [emails, setEmails] = useState("");
  const [role, setRole] = useState<InvitableRole>("member");
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const list = parseEmailList(emails);
    const invalid = list.filter((email) => !isEmailAddress(email));
    if (list.length === 0) return setErrors({ email: "Enter at least one email address" });
    if (invalid.length) return setErrors({ email: `Not an email address: ${invalid.join(", ")}` });
    setErrors({});
    void run(async () => {
      const failed = await inviteAll(list, role, onInvited);
      setEmails(failed.emails.join(", "));
      if (failed.emails.length) {
        setFormError(failed.message);
        setErrors(failed.fields);
      }
    });
  }

  return (
    <form ref={form} className="form invite-form" onSubmit={onSubmit} noValidate>
      <FormError message={formError} />
      <div className="invite-form__row">
        <Field
          className="invite-form__emails"
          label="Email addresses"
          hint="Separate several addresses with commas."
          error={errors.email}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              type="text"
              inputMode="email"
              name="emails"
              autoComplete="off"
              placeholder="ana@example.com, bo@example.com"
              value={emails}
              onChange={(e) => setEmails(e.target.value)}
            />
          )}
        </Field>
        <RoleField value={role} onChange={setRole} error={errors.role} />
      </div>
      <p className="form__note">
        Members answer conversations. Admins can also connect channels and manage the team.
      </p>
      <div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? "Inviting…" : "Invite"}
        </button>
      </div>
    </form>
  );
}

/**
 * Sends one invitation per address, in order; `onInvited` hears of each one made. Returns the
 * addresses that failed, with the reasons (per address when there were several) and field errors.
 */
async function inviteAll(
  list: string[],
  role: InvitableRole,
  onInvited: (invitation: Invitation) => void,
): Promise<{ emails: string[]; message: string; fields: Errors }> {
  const failed: string[] = [];
  const messages: string[] = [];
  let fieldErrors: Errors = {};
  for (const email of list) {
    try {
      const { invitation } = await createInvitation(email, role);
      onInvited(invitation);
    } catch (error) {
      failed.push(email);
      messages.push(list.length > 1 ? `${email}: ${errorMessage(error)}` : errorMessage(error));
      if (error instanceof ApiError) fieldErrors = { ...error.fieldErrors(), ...fieldErrors };
    }
  }
  return { emails: failed, message: messages.join(" · "), fields: fieldErrors };
}

function RoleField({
  value: role,
  onChange,
  error,
}: {
  value: InvitableRole;
  onChange(role: InvitableRole): void;
  error: string | undefined;
}) {
  return (
    <Field className="invite-form__role" label="Role" error={error}>
      {(control) => (
        <select
          {...control}
          className="input select"
          name="role"
          value={role}
          onChange={(e) => onChange(e.target.value === "admin" ? "admin" : "member")}
        >
          <option value="member">Member</option>
          <option value="admin">Admin</option>
        </select>
      )}
    </Field>
  );
}

import { type FormEvent, useRef, useState } from "react";
import { Navigate, useNavigate } from "react-router";
import { createOrg, type OrgSummary, setActiveOrg } from "../accounts/accounts-api.ts";
import { homeFor } from "../accounts/route-guards.tsx";
import { useMe, useSession } from "../accounts/session.tsx";
import { ApiError, errorMessage } from "../api.ts";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { PageHeading } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { onboardingUrl } from "./onboarding-steps.ts";

/** Step 1: name the organization (the workspace the team shares). */
export function CreateOrgStep() {
  const me = useMe();
  const { reload } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<{ name?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);

  if (me.org) return <Navigate to={onboardingUrl("team")} replace />;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found = name.trim() ? {} : { name: "Enter a name for your organization" };
    setErrors(found);
    setFormError(null);
    if (found.name) return;
    void run(async () => {
      try {
        await createOrg(name.trim());
        await reload();
        navigate(onboardingUrl("team"));
      } catch (error) {
        setFormError(errorMessage(error));
        if (error instanceof ApiError) setErrors(error.fieldErrors());
      }
    });
  }

  return (
    <section className="step">
      <PageHeading title="Create your organization" className="step__title" />
      <p className="step__lead">
        Your organization is where your team shares inboxes, conversations and settings.
      </p>
      <form ref={form} className="form" onSubmit={onSubmit} noValidate>
        <FormError message={formError} />
        <Field
          label="Organization name"
          hint="Usually your company or team name. You can change it later."
          error={errors.name}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              name="organization"
              autoComplete="organization"
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <div className="step__actions">
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? "Creating…" : "Create organization"}
          </button>
        </div>
      </form>
      {me.orgs.length > 0 ? <ExistingOrgs orgs={me.orgs} /> : null}
    </section>
  );
}

/** Someone who already belongs to organizations (but has none active) can pick one instead. */
function ExistingOrgs({ orgs }: { orgs: OrgSummary[] }) {
  const { reload } = useSession();
  const navigate = useNavigate();
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);

  const open = (orgId: string) =>
    run(async () => {
      try {
        await setActiveOrg(orgId);
        const me = await reload();
        if (me) navigate(homeFor(me), { replace: true });
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  return (
    <section className="step__aside" aria-labelledby="existing-orgs">
      <h2 id="existing-orgs" className="section-title">
        Or open an organization you belong to
      </h2>
      <FormError message={error} />
      <ul className="plain-list">
        {orgs.map((org) => (
          <li key={org.id}>
            <button
              type="button"
              className="button button--secondary"
              disabled={busy}
              onClick={() => void open(org.id)}
            >
              {org.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

import { type FormEvent, type ReactNode, useId, useRef, useState } from "react";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { ByocSteps } from "./byoc-steps.tsx";
import { type CredentialsInput, isAnyTenant } from "./outlook-api.ts";
import { RedirectUri } from "./redirect-uri.tsx";

interface ByocFormProps {
  redirectUri: string;
  submitLabel: string;
  busyLabel: string;
  busy: boolean;
  /** A form-level error (the server's words). */
  error: string | null;
  /** Server field errors by field name: clientId, clientSecret, secretExpiresOn, tenant, redirectUriConfirmed. */
  fields: Record<string, string>;
  onSubmit(input: CredentialsInput): void;
  /** Prefills (updating existing credentials: the secret must be entered again). */
  initial?: { clientId: string; tenant: string } | undefined;
  /** Extra buttons beside the submit button (Cancel). */
  secondaryAction?: ReactNode;
  /** Show the three registration steps above the fields. */
  showSteps?: boolean;
}

/**
 * The organisation's own Azure app (BYOC): client ID, client secret and when it expires, optional
 * tenant, and the exact redirect URI to register, confirmed by a checkbox before anything is sent.
 */
export function ByocForm(props: ByocFormProps) {
  const { redirectUri, initial, busy, fields } = props;
  const form = useRef<HTMLFormElement>(null);
  const [clientId, setClientId] = useState(initial?.clientId ?? "");
  const [clientSecret, setClientSecret] = useState("");
  const [showSecret, setShowSecret] = useState(false);
  const [expiresOn, setExpiresOn] = useState("");
  const [tenant, setTenant] = useState(isAnyTenant(initial?.tenant) ? "" : (initial?.tenant ?? ""));
  const [confirmed, setConfirmed] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = Object.keys(local).length ? local : fields;
  useFocusFirstInvalid(form, errors);
  const formId = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    const missing: Record<string, string> = {};
    if (!clientId.trim()) missing.clientId = "Paste the Application (client) ID from the app's Overview page";
    if (!clientSecret.trim()) missing.clientSecret = "Paste the client secret's Value";
    if (!confirmed) missing.redirectUriConfirmed = "Confirm that you added this redirect URI to your app";
    setLocal(missing);
    if (Object.keys(missing).length) return;
    props.onSubmit({
      clientId: clientId.trim(),
      clientSecret: clientSecret.trim(),
      ...(tenant.trim() ? { tenant: tenant.trim() } : {}),
      ...(expiresOn ? { secretExpiresOn: expiresOn } : {}),
      redirectUriConfirmed: true,
    });
  }

  return (
    <form ref={form} className="form byoc" onSubmit={submit} noValidate aria-label="Your Microsoft app">
      {props.showSteps ? <ByocSteps /> : null}
      <Field
        label="Client ID"
        hint="The Application (client) ID on your app's Overview page."
        error={errors.clientId}
      >
        {(control) => (
          <input
            {...control}
            className="input input--mono"
            name="clientId"
            value={clientId}
            onChange={(e) => setClientId(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder="00000000-0000-0000-0000-000000000000"
          />
        )}
      </Field>
      <Field
        label="Client Secret"
        hint={
          initial
            ? "Enter the secret again, or a new one: the saved secret is never shown. Paste its Value, not its Secret ID."
            : "The secret's Value, not its Secret ID. Azure shows it only once, right after you create it."
        }
        error={errors.clientSecret}
      >
        {(control) => (
          <div className="secret-input">
            <input
              {...control}
              className="input input--mono secret-input__input"
              name="clientSecret"
              type={showSecret ? "text" : "password"}
              value={clientSecret}
              onChange={(e) => setClientSecret(e.target.value)}
              autoComplete="new-password"
              spellCheck={false}
            />
            <button
              type="button"
              className="button button--secondary button--small secret-input__toggle"
              aria-pressed={showSecret}
              aria-controls={control.id}
              aria-label={showSecret ? "Hide the secret" : "Show the secret"}
              onClick={() => setShowSecret((s) => !s)}
            >
              {showSecret ? "Hide" : "Show"}
            </button>
          </div>
        )}
      </Field>
      <Field
        label="Secret expires"
        hint="The date Azure shows under “Expires” next to the secret (24 months is recommended). Mailroom reminds your admins 30, 7 and 1 days before."
        error={errors.secretExpiresOn}
      >
        {(control) => (
          <input
            {...control}
            className="input byoc__expiry"
            name="secretExpiresOn"
            type="date"
            value={expiresOn}
            min={new Date().toISOString().slice(0, 10)}
            onChange={(e) => setExpiresOn(e.target.value)}
          />
        )}
      </Field>
      <details className="disclosure" open={Boolean(tenant) || Boolean(errors.tenant)}>
        <summary className="disclosure__summary">Single-tenant app?</summary>
        <div className="disclosure__body">
          <Field
            label="Directory (tenant) ID"
            hint="Only if your app accepts accounts of its own directory only. Leave empty for multi-tenant apps."
            error={errors.tenant}
          >
            {(control) => (
              <input
                {...control}
                className="input input--mono"
                name="tenant"
                value={tenant}
                onChange={(e) => setTenant(e.target.value)}
                autoComplete="off"
                spellCheck={false}
                placeholder="contoso.onmicrosoft.com or a GUID"
              />
            )}
          </Field>
        </div>
      </details>
      <div className="field">
        <span className="field__label" aria-hidden="true">
          Redirect URI
        </span>
        <RedirectUri uri={redirectUri} label="Redirect URI" />
        <p className="field__hint">
          Add it in Azure under Authentication › <strong>Web</strong> platform, exactly as shown.
        </p>
      </div>
      <div className={`check${errors.redirectUriConfirmed ? " check--invalid" : ""}`}>
        <label className="check__label">
          <input
            type="checkbox"
            className="check__box"
            name="redirectUriConfirmed"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.target.checked)}
            aria-invalid={errors.redirectUriConfirmed ? true : undefined}
            aria-describedby={errors.redirectUriConfirmed ? `${formId}-confirm-error` : undefined}
            required
          />
          I've added this redirect URI to my app registration
        </label>
        {errors.redirectUriConfirmed ? (
          <p className="field__error" id={`${formId}-confirm-error`}>
            {errors.redirectUriConfirmed}
          </p>
        ) : null}
      </div>
      <FormError message={props.error} />
      <div className="form__actions">
        {props.secondaryAction}
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? props.busyLabel : props.submitLabel}
        </button>
      </div>
    </form>
  );
}

import { useId, useState } from "react";
import { Field } from "../ui/field.tsx";
import { RedirectUri } from "./redirect-uri.tsx";

/** The parts of the BYOC form (byoc-form.tsx) that have more to them than a text input. */

interface TextProps {
  value: string;
  onChange(value: string): void;
  error: string | undefined;
}

/** The client secret, hidden unless shown; `again` when updating (the saved one is never shown). */
export function SecretField({ value, onChange, error, again }: TextProps & { again: boolean }) {
  const [showSecret, setShowSecret] = useState(false);
  return (
    <Field
      label="Client Secret"
      hint={
        again
          ? "Enter the secret again, or a new one: the saved secret is never shown. Paste its Value, not its Secret ID."
          : "The secret's Value, not its Secret ID. Azure shows it only once, right after you create it."
      }
      error={error}
    >
      {(control) => (
        <div className="secret-input">
          <input
            {...control}
            className="input input--mono secret-input__input"
            name="clientSecret"
            type={showSecret ? "text" : "password"}
            value={value}
            onChange={(e) => onChange(e.target.value)}
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
  );
}

/** When the secret expires, as Azure shows it: admins are reminded before it does. */
export function SecretExpiryField({ value, onChange, error }: TextProps) {
  return (
    <Field
      label="Secret expires"
      hint="The date Azure shows under “Expires” next to the secret (24 months is recommended). Mailroom reminds your admins 30, 7 and 1 days before."
      error={error}
    >
      {(control) => (
        <input
          {...control}
          className="input byoc__expiry"
          name="secretExpiresOn"
          type="date"
          value={value}
          min={new Date().toISOString().slice(0, 10)}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** The tenant, tucked away: most apps are multi-tenant. Open when it has a value or an error. */
export function TenantDisclosure({ value, onChange, error }: TextProps) {
  return (
    <details className="disclosure" open={Boolean(value) || Boolean(error)}>
      <summary className="disclosure__summary">Single-tenant app?</summary>
      <div className="disclosure__body">
        <Field
          label="Directory (tenant) ID"
          hint="Only if your app accepts accounts of its own directory only. Leave empty for multi-tenant apps."
          error={error}
        >
          {(control) => (
            <input
              {...control}
              className="input input--mono"
              name="tenant"
              value={value}
              onChange={(e) => onChange(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              placeholder="contoso.onmicrosoft.com or a GUID"
            />
          )}
        </Field>
      </div>
    </details>
  );
}

/** The exact redirect URI to register, and the checkbox that says it was. */
export function RedirectUriConfirm({
  uri,
  confirmed,
  onChange,
  error,
}: {
  uri: string;
  confirmed: boolean;
  onChange(confirmed: boolean): void;
  error: string | undefined;
}) {
  const formId = useId();
  return (
    <>
      <div className="field">
        <span className="field__label" aria-hidden="true">
          Redirect URI
        </span>
        <RedirectUri uri={uri} label="Redirect URI" />
        <p className="field__hint">
          Add it in Azure under Authentication › <strong>Web</strong> platform, exactly as shown.
        </p>
      </div>
      <div className={`check${error ? " check--invalid" : ""}`}>
        <label className="check__label">
          <input
            type="checkbox"
            className="check__box"
            name="redirectUriConfirmed"
            checked={confirmed}
            onChange={(e) => onChange(e.target.checked)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${formId}-confirm-error` : undefined}
            required
          />
          I've added this redirect URI to my app registration
        </label>
        {error ? (
          <p className="field__error" id={`${formId}-confirm-error`}>
            {error}
          </p>
        ) : null}
      </div>
    </>
  );
}

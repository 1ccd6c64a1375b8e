import { type FormEvent, type ReactNode, useRef, useState } from "react";
import { Field } from "../ui/field.tsx";
import { useFocusFirstInvalid } from "../ui/focus-first-invalid.ts";
import { FormError } from "../ui/form-error.tsx";
import { RedirectUriConfirm, SecretExpiryField, SecretField, TenantDisclosure } from "./byoc-fields.tsx";
import { ByocSteps } from "./byoc-steps.tsx";
import { type CredentialsInput, isAnyTenant } from "./outlook-api.ts";

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
  const [expiresOn, setExpiresOn] = useState("");
  const [tenant, setTenant] = useState(isAnyTenant(initial?.tenant) ? "" : (initial?.tenant ?? ""));
  const [confirmed, setConfirmed] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = Object.keys(local).length ? local : fields;
  useFocusFirstInvalid(form, errors);

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
      <SecretField
        value={clientSecret}
        onChange={setClientSecret}
        error={errors.clientSecret}
        again={Boolean(initial)}
      />
      <SecretExpiryField value={expiresOn} onChange={setExpiresOn} error={errors.secretExpiresOn} />
      <TenantDisclosure value={tenant} onChange={setTenant} error={errors.tenant} />
      <RedirectUriConfirm
        uri={redirectUri}
        confirmed={confirmed}
        onChange={setConfirmed}
        error={errors.redirectUriConfirmed}
      />
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

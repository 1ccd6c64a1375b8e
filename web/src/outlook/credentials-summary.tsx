import { useState } from "react";
import { errorMessage } from "../api.ts";
import { CredentialChannels } from "../attention/credential-channels.tsx";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { Time } from "../ui/time.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { type CredentialsView, isAnyTenant, removeCredentials } from "./outlook-api.ts";

/** The saved credentials on the credentials page: what they are, who uses them, update or remove. */
export function CredentialsSummary({
  credentials: c,
  saved,
  onUpdate,
  onRemoved,
}: {
  credentials: CredentialsView;
  saved: boolean;
  onUpdate(): void;
  onRemoved(): Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, run] = useAsyncAction();

  const remove = () =>
    void run(async () => {
      setError(null);
      try {
        await removeCredentials();
        setConfirming(false);
        await onRemoved();
      } catch (e) {
        setConfirming(false);
        setError(errorMessage(e));
      }
    });

  return (
    <>
      <StatusMessage
        message={
          saved
            ? c.channels.length
              ? "Credentials saved. Reconnect each channel below so it signs in with them (or Reconnect all)."
              : "Credentials saved."
            : null
        }
      />
      <section className="card" aria-labelledby="app-title">
        <h2 className="card__title" id="app-title">
          Your Azure app
        </h2>
        <CredentialFacts credentials={c} />
        <div className="form__actions form__actions--start">
          <button type="button" className="button button--secondary" onClick={onUpdate}>
            Update
          </button>
          <button
            type="button"
            className="button button--ghost-danger"
            disabled={busy}
            // In use: the server says why it can't be removed; otherwise confirm first.
            onClick={() => (c.channels.length ? remove() : setConfirming(true))}
          >
            Remove
          </button>
        </div>
        <FormError message={confirming ? null : error} />
      </section>
      <CredentialChannels channels={c.channels} />
      <ConfirmDialog
        open={confirming}
        title="Remove your Microsoft credentials?"
        confirmLabel="Remove"
        busy={busy}
        error={confirming ? error : null}
        onConfirm={remove}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Mailroom forgets this client ID and secret. Your app registration in Azure isn't touched. To connect
          with your own app again, you'll enter them again.
        </p>
      </ConfirmDialog>
    </>
  );
}

/** Client ID, the secret's first characters, when it was set, and the tenant. */
function CredentialFacts({ credentials: c }: { credentials: CredentialsView }) {
  return (
    <dl className="facts">
      <div className="facts__row">
        <dt>Client ID</dt>
        <dd>
          <code>{c.clientId}</code>
        </dd>
      </div>
      <div className="facts__row">
        <dt>Client secret</dt>
        <dd>
          <code>{c.secretHint}</code> <span className="muted">only the first characters are shown</span>
        </dd>
      </div>
      <div className="facts__row">
        <dt>Secret set</dt>
        <dd>
          <Time value={c.secretUpdatedAt} />
        </dd>
      </div>
      <div className="facts__row">
        <dt>Secret expires</dt>
        <dd>
          {c.secretExpiresAt ? (
            <Time value={c.secretExpiresAt} />
          ) : (
            <span className="muted">
              Not given — update the secret to add its expiry date and get reminders
            </span>
          )}
        </dd>
      </div>
      <div className="facts__row">
        <dt>Tenant</dt>
        <dd>
          {isAnyTenant(c.tenant) ? (
            "Any organization or personal account (multi-tenant)"
          ) : (
            <code>{c.tenant}</code>
          )}
        </dd>
      </div>
    </dl>
  );
}

import { useState } from "react";
import { Link } from "react-router";
import { ApiError, errorMessage } from "../api.ts";
import { CredentialChannels } from "../attention/credential-channels.tsx";
import { Breadcrumb } from "../channels/new-channel-page.tsx";
import { useLiveEvents } from "../live/use-live-events.ts";
import { ConfirmDialog } from "../ui/confirm-dialog.tsx";
import { FormError, StatusMessage } from "../ui/form-error.tsx";
import { KeyIcon } from "../ui/icons.tsx";
import { EmptyState, Loading, PageHeader } from "../ui/page.tsx";
import { Time } from "../ui/time.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { useLoad } from "../ui/use-load.ts";
import { ByocForm } from "./byoc-form.tsx";
import {
  type CredentialsInput,
  type CredentialsView,
  getCredentials,
  isAnyTenant,
  removeCredentials,
  saveCredentials,
} from "./outlook-api.ts";
import "./outlook.css";
import "../channels/channels.css";

/** `/settings/channels/credentials`: the org's own Azure app — view, update, remove. */
export function CredentialsPage() {
  const [loaded, reload] = useLoad(getCredentials, "credentials");
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  useLiveEvents((event) => {
    if (event.type === "channels.updated") void reload();
  });

  return (
    <div className="page page--narrow">
      <Breadcrumb />
      <PageHeader
        title="Microsoft credentials"
        description="Your organization's own Azure app registration. All your Outlook channels connected through it use these credentials."
      />
      {loaded.status === "loading" ? (
        <Loading />
      ) : loaded.status === "failed" ? (
        <p className="alert alert--error" role="alert">
          {loaded.message}
        </p>
      ) : !loaded.data.credentials ? (
        <EmptyState icon={<KeyIcon />} title="No credentials saved">
          <p>
            You're using Mailroom's Microsoft app. To use your own Azure app instead, add it when connecting.
          </p>
          <Link className="button button--primary" to="/settings/channels/new/outlook">
            Connect Outlook
          </Link>
        </EmptyState>
      ) : editing ? (
        <UpdateCredentials
          credentials={loaded.data.credentials}
          redirectUri={loaded.data.redirectUri}
          onDone={async (didSave) => {
            setEditing(false);
            setSaved(didSave);
            await reload();
          }}
        />
      ) : (
        <CredentialsSummary
          credentials={loaded.data.credentials}
          saved={saved}
          onUpdate={() => {
            setSaved(false);
            setEditing(true);
          }}
          onRemoved={reload}
        />
      )}
    </div>
  );
}

function CredentialsSummary({
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

function UpdateCredentials({
  credentials,
  redirectUri,
  onDone,
}: {
  credentials: CredentialsView;
  redirectUri: string;
  onDone(saved: boolean): Promise<void>;
}) {
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const save = (input: CredentialsInput) =>
    void run(async () => {
      setError(null);
      setFields({});
      try {
        await saveCredentials(input);
        await onDone(true);
      } catch (e) {
        const f = e instanceof ApiError ? e.fieldErrors() : {};
        setFields(f);
        setError(Object.keys(f).length ? "Check the highlighted fields." : errorMessage(e));
      }
    });
  return (
    <section className="card" aria-labelledby="update-title">
      <h2 className="card__title" id="update-title">
        Update credentials
      </h2>
      <ByocForm
        redirectUri={redirectUri}
        initial={{ clientId: credentials.clientId, tenant: credentials.tenant }}
        submitLabel="Save credentials"
        busyLabel="Saving…"
        busy={busy}
        error={error}
        fields={fields}
        onSubmit={save}
        secondaryAction={
          <button type="button" className="button button--ghost" onClick={() => void onDone(false)}>
            Cancel
          </button>
        }
      />
    </section>
  );
}

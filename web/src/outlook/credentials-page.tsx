import { useState } from "react";
import { Link } from "react-router";
import { ApiError, errorMessage } from "../api.ts";
import { Breadcrumb } from "../channels/new-channel-page.tsx";
import { useLiveEvents } from "../live/use-live-events.ts";
import { KeyIcon } from "../ui/icons.tsx";
import { EmptyState, Loading, PageHeader } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { useLoad } from "../ui/use-load.ts";
import { ByocForm } from "./byoc-form.tsx";
import { CredentialsSummary } from "./credentials-summary.tsx";
import {
  type CredentialsInput,
  type CredentialsView,
  getCredentials,
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

import { useState } from "react";
import { FormError } from "../ui/form-error.tsx";
import { OutlookIcon } from "../ui/icons.tsx";
import { ByocForm } from "./byoc-form.tsx";
import { MicrosoftErrorHelp } from "./microsoft-error-help.tsx";
import type { ConnectOptions, CredentialSource, ReturnTo } from "./outlook-api.ts";
import { saveCredentials } from "./outlook-api.ts";
import { PermissionsTable } from "./permissions-table.tsx";
import { useGoToMicrosoft } from "./use-go-to-microsoft.ts";
import "./outlook.css";

interface ConnectOutlookPanelProps {
  options: ConnectOptions;
  returnTo: ReturnTo;
}

/**
 * Everything before leaving for Microsoft, on the onboarding step and on Settings > Channels >
 * New Channel > Outlook: the permissions table and Connect Outlook with the platform app or the
 * org's own app, or the BYOC form when there is no app yet. Members are told to ask an admin.
 */
export function ConnectOutlookPanel({ options, returnTo }: ConnectOutlookPanelProps) {
  const microsoft = useGoToMicrosoft();
  const [source, setSource] = useState<CredentialSource>(options.platformAvailable ? "platform" : "byoc");
  const [editingByoc, setEditingByoc] = useState(false);

  if (!options.canConnect) {
    return <p className="notice">Only owners and admins can connect channels — ask your admin.</p>;
  }

  const byoc = options.byoc;
  const showForm = (!options.platformAvailable && !byoc) || editingByoc;

  if (showForm) {
    return (
      <ByocConnect
        options={options}
        returnTo={returnTo}
        microsoft={microsoft}
        onCancel={editingByoc ? () => setEditingByoc(false) : null}
      />
    );
  }

  return (
    <div className="connect-panel">
      <PermissionsTable permissions={options.permissions} />
      {byoc ? (
        <CredentialChoice
          clientId={byoc.clientId}
          platformAvailable={options.platformAvailable}
          source={source}
          onSource={setSource}
          onChange={() => setEditingByoc(true)}
        />
      ) : null}
      <div className="connect-panel__actions">
        <button
          type="button"
          className="button button--primary button--large"
          onClick={() => void microsoft.go(returnTo, source)}
          disabled={microsoft.leaving}
        >
          <OutlookIcon className="button__icon" />
          {microsoft.leaving ? "Opening Microsoft…" : "Connect Outlook"}
        </button>
        <p className="connect-panel__note">
          You'll sign in with Microsoft and click <strong>Accept</strong>. Mailroom never sees your password.
        </p>
      </div>
      <FormError message={microsoft.error} />
      <div className="connect-panel__help">
        {options.platformAvailable && !byoc ? (
          // One step to the form (issue 12): no disclosure inside a disclosure.
          <p className="muted">
            Your Microsoft 365 policy only allows apps registered in your own tenant?{" "}
            <button type="button" className="link-button" onClick={() => setEditingByoc(true)}>
              Use your own Azure app instead
            </button>
          </p>
        ) : null}
        <MicrosoftErrorHelp from={returnTo} />
      </div>
    </div>
  );
}

type Microsoft = ReturnType<typeof useGoToMicrosoft>;

/** The BYOC form as the way to connect: no platform app and no saved app yet, or changing it. */
function ByocConnect({
  options,
  returnTo,
  microsoft,
  onCancel,
}: ConnectOutlookPanelProps & { microsoft: Microsoft; onCancel: (() => void) | null }) {
  const byoc = options.byoc;
  return (
    <div className="connect-panel">
      <PermissionsTable permissions={options.permissions} />
      <div className="connect-panel__byoc">
        <h2 className="section-title">Your Microsoft app</h2>
        <p className="muted">
          {options.platformAvailable
            ? "Connect through an app registered in your own Azure tenant instead of Mailroom's."
            : "This Mailroom server has no Microsoft app of its own, so connect through an app registered in your Azure tenant. It takes about five minutes, once for your whole organization."}
        </p>
      </div>
      <ByocForm
        redirectUri={options.redirectUri}
        initial={byoc ? { clientId: byoc.clientId, tenant: byoc.tenant } : undefined}
        submitLabel="Save & Connect"
        busyLabel="Connecting…"
        busy={microsoft.leaving}
        error={microsoft.error}
        fields={microsoft.fields}
        showSteps
        onSubmit={(input) =>
          void microsoft.go(returnTo, "byoc", async () => {
            await saveCredentials(input);
          })
        }
        secondaryAction={
          onCancel ? (
            <button type="button" className="button button--ghost" onClick={onCancel}>
              Cancel
            </button>
          ) : null
        }
      />
      <MicrosoftErrorHelp from={returnTo} />
    </div>
  );
}

/** With a saved app: choose it or the platform's, or (no platform app) change its credentials. */
function CredentialChoice(props: {
  clientId: string;
  platformAvailable: boolean;
  source: CredentialSource;
  onSource(source: CredentialSource): void;
  onChange(): void;
}) {
  const { clientId, source, onSource, onChange } = props;
  if (props.platformAvailable)
    return (
      <fieldset className="radio-group">
        <legend className="field__label">Connect with</legend>
        <label className="radio-group__option">
          <input
            type="radio"
            name="credentials"
            checked={source === "platform"}
            onChange={() => onSource("platform")}
          />
          Mailroom's Microsoft app
        </label>
        <label className="radio-group__option">
          <input
            type="radio"
            name="credentials"
            checked={source === "byoc"}
            onChange={() => onSource("byoc")}
          />
          Your Azure app <span className="muted">(client ID {clientId})</span>
        </label>
      </fieldset>
    );
  return (
    <p className="muted">
      Connecting through your Azure app (client ID <code>{clientId}</code>).{" "}
      <button type="button" className="link-button" onClick={onChange}>
        Change credentials
      </button>
    </p>
  );
}

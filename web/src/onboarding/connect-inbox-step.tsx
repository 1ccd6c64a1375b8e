import { useEffect, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { completeOnboarding } from "../accounts/accounts-api.ts";
import { useSession } from "../accounts/session.tsx";
import { errorMessage } from "../api.ts";
import { CancelledNote } from "../outlook/cancelled-note.tsx";
import { ConnectOutlookPanel } from "../outlook/connect-outlook-panel.tsx";
import { useConnectOptions } from "../outlook/use-connect-options.ts";
import { FormError } from "../ui/form-error.tsx";
import { Loading, PageHeading } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";
import { ConnectedMailbox } from "./connected-mailbox.tsx";
import { useConnectedChannel } from "./use-connected-channel.ts";

/**
 * Step 3: connect the team's Outlook mailbox, or skip it for now. Back from Microsoft (or coming
 * back later) the step shows a checkmark with the connected address (`?connected=<channelId>`, else
 * the org's channel), or a calm note after
 * Cancel (`?note=cancelled`). "Go to inbox" marks the org's onboarding complete and opens the app.
 */
export function ConnectInboxStep() {
  const { reload } = useSession();
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const existing = useConnectedChannel(true);
  const connectedId = search.get("connected") ?? existing;
  const [busy, run] = useAsyncAction();
  const [error, setError] = useState<string | null>(null);
  const [skipped, setSkipped] = useState(false);
  const goButton = useRef<HTMLButtonElement>(null);

  // The Skip button disappears; keep keyboard focus on the button that replaces it.
  useEffect(() => {
    if (skipped) goButton.current?.focus();
  }, [skipped]);

  const goToInbox = () =>
    void run(async () => {
      setError(null);
      try {
        await completeOnboarding();
        await reload();
        navigate("/inbox", { replace: true });
      } catch (e) {
        setError(errorMessage(e));
      }
    });

  const goButtonElement = (label: string) => (
    <button
      ref={goButton}
      type="button"
      className="button button--primary"
      onClick={goToInbox}
      disabled={busy}
    >
      {busy ? "Opening your inbox…" : label}
    </button>
  );

  if (connectedId) {
    return (
      <section className="step">
        <PageHeading title="Connect an inbox" className="step__title" />
        <ConnectedMailbox channelId={connectedId} />
        <FormError message={error} />
        <div className="step__actions">{goButtonElement("Continue to your inbox")}</div>
      </section>
    );
  }

  return (
    <section className="step">
      <PageHeading title="Connect an inbox" className="step__title" />
      <p className="step__lead">
        Connect the Outlook or Microsoft 365 mailbox your customers write to — support@, hello@ or any shared
        mailbox. New mail shows up in Mailroom within seconds, and replies go out from that address, threaded
        like any other Outlook message.
      </p>
      {search.get("note") === "cancelled" ? <CancelledNote /> : null}
      <ConnectOptions />
      <FormError message={error} />
      <div className="step__actions" aria-live="polite">
        {skipped ? (
          <>
            <p className="step__note">
              No inbox yet — you can connect one any time from Settings › Channels.
            </p>
            {goButtonElement("Go to inbox")}
          </>
        ) : (
          <button type="button" className="button button--secondary" onClick={() => setSkipped(true)}>
            Skip
          </button>
        )}
      </div>
    </section>
  );
}

function ConnectOptions() {
  const [options] = useConnectOptions();
  if (options.status === "loading") return <Loading />;
  if (options.status === "failed") {
    return (
      <p className="alert alert--error" role="alert">
        {options.message}
      </p>
    );
  }
  return <ConnectOutlookPanel options={options.data} returnTo="onboarding" />;
}

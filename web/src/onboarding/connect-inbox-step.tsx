import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { completeOnboarding } from "../accounts/accounts-api.ts";
import { useSession } from "../accounts/session.tsx";
import { errorMessage } from "../api.ts";
import { ConnectOutlookButton } from "../channels/connect-outlook-button.tsx";
import { FormError } from "../ui/form-error.tsx";
import { PageHeading } from "../ui/page.tsx";
import { useAsyncAction } from "../ui/use-async-action.ts";

/**
 * Step 3: connect the team's Outlook mailbox, or skip it for now. Either way "Go to inbox" then
 * marks the org's onboarding complete and opens the app. (The Connect issue adds the "connected"
 * outcome: back from Microsoft with a checkmark.)
 */
export function ConnectInboxStep() {
  const { reload } = useSession();
  const navigate = useNavigate();
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

  return (
    <section className="step">
      <PageHeading title="Connect an inbox" className="step__title" />
      <p className="step__lead">
        Connect the Outlook or Microsoft 365 mailbox your customers write to — support@, hello@ or any shared
        mailbox. New mail shows up in Mailroom within seconds, and replies go out from that address, threaded
        like any other Outlook message.
      </p>
      <ul className="step__points">
        <li>You sign in with Microsoft and approve access; Mailroom never sees your password.</li>
        <li>Your mail stays in Outlook, and Mailroom keeps both in sync.</li>
        <li>You can connect more mailboxes later from Settings › Channels.</li>
      </ul>
      <ConnectOutlookButton />
      <FormError message={error} />
      <div className="step__actions" aria-live="polite">
        {skipped ? (
          <>
            <p className="step__note">
              No inbox yet — you can connect one any time from Settings › Channels.
            </p>
            <button
              ref={goButton}
              type="button"
              className="button button--primary"
              onClick={goToInbox}
              disabled={busy}
            >
              {busy ? "Opening your inbox…" : "Go to inbox"}
            </button>
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

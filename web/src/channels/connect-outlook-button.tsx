import { useId } from "react";
import { OutlookIcon } from "../ui/icons.tsx";

/**
 * "Connect Outlook", on the onboarding step and Settings > Channels. The consent flow
 * (permissions table, `POST /api/outlook/connect`, Microsoft sign-in, BYOC credentials) arrives
 * with the Connect issue, which wires this button; until then it is disabled with a note, so the
 * step and the page already look like what they will be.
 */
export function ConnectOutlookButton() {
  const noteId = useId();
  return (
    <div className="connect-outlook">
      <button type="button" className="button button--primary" disabled aria-describedby={noteId}>
        <OutlookIcon className="button__icon" />
        Connect Outlook
      </button>
      <p className="connect-outlook__note" id={noteId}>
        Outlook connection arrives with the next release.
      </p>
    </div>
  );
}

import { useSearchParams } from "react-router";
import { CancelledNote } from "../outlook/cancelled-note.tsx";
import { ConnectOutlookPanel } from "../outlook/connect-outlook-panel.tsx";
import { useConnectOptions } from "../outlook/use-connect-options.ts";
import { Loading, PageHeader } from "../ui/page.tsx";
import { Breadcrumb } from "./new-channel-page.tsx";

/** Settings > Channels > New Channel > Outlook: the permissions, then Microsoft (or the BYOC form). */
export function NewOutlookChannelPage() {
  const [search] = useSearchParams();
  const [options] = useConnectOptions();
  return (
    <div className="page page--narrow">
      <Breadcrumb to="/settings/channels/new" label="New Channel" />
      <PageHeader
        title="Connect Outlook"
        description="Sign in with Microsoft as the mailbox your customers write to, and approve the permissions below."
      />
      {search.get("note") === "cancelled" ? <CancelledNote /> : null}
      <div className="card">
        {options.status === "loading" ? (
          <Loading />
        ) : options.status === "failed" ? (
          <p className="alert alert--error" role="alert">
            {options.message}
          </p>
        ) : (
          <ConnectOutlookPanel options={options.data} returnTo="channels" />
        )}
      </div>
    </div>
  );
}

import { Link, Navigate, useSearchParams } from "react-router";
import { ArrowRightIcon, OutlookIcon } from "../ui/icons.tsx";
import { PageHeader } from "../ui/page.tsx";

/** Settings > Channels > New Channel: choose what to connect. Outlook today; room for more. */
export function NewChannelPage() {
  const [search] = useSearchParams();
  // Microsoft's consent was cancelled: back to the Outlook page, which explains it.
  if (search.get("note")) return <Navigate to={`/settings/channels/new/outlook?${search}`} replace />;

  return (
    <div className="page">
      <Breadcrumb />
      <PageHeader title="New Channel" description="Choose the kind of mailbox to connect." />
      <ul className="channel-types" aria-label="Channel types">
        <li>
          <Link className="channel-type" to="/settings/channels/new/outlook">
            <OutlookIcon className="channel-type__icon" />
            <span className="channel-type__text">
              <span className="channel-type__name">Outlook</span>
              <span className="channel-type__description">
                Outlook.com, Microsoft 365 and Exchange Online mailboxes, shared mailboxes included.
              </span>
            </span>
            <ArrowRightIcon className="channel-type__arrow" />
          </Link>
        </li>
      </ul>
    </div>
  );
}

/** "Channels ›" back link above the settings sub-pages. */
export function Breadcrumb({
  to = "/settings/channels",
  label = "Channels",
}: {
  to?: string;
  label?: string;
}) {
  return (
    <nav aria-label="Breadcrumb" className="breadcrumb">
      <Link to={to}>‹ {label}</Link>
    </nav>
  );
}

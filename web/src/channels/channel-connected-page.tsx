import { Link, useParams } from "react-router";
import { CheckIcon } from "../ui/icons.tsx";
import { Loading, PageHeading } from "../ui/page.tsx";
import { useLoad } from "../ui/use-load.ts";
import { InboxChip } from "./channel-bits.tsx";
import { getChannel } from "./channels-api.ts";
import "./channels.css";

/** `/settings/channels/:id/connected`: where Microsoft's consent lands — the connected address. */
export function ChannelConnectedPage() {
  const { id = "" } = useParams();
  const [channel] = useLoad(() => getChannel(id).then((r) => r.channel), id);

  if (channel.status === "loading") return <Loading label="Finishing the connection…" />;
  if (channel.status === "failed") {
    return (
      <div className="page">
        <PageHeading title="Channel not found" />
        <p className="alert alert--error" role="alert">
          {channel.message}
        </p>
        <Link to="/settings/channels">Back to Channels</Link>
      </div>
    );
  }
  const c = channel.data;
  const aliases = c.aliases.filter((a) => !a.isPrimary);
  return (
    <div className="page page--narrow">
      <section className="card connected">
        <div className="connected__check" aria-hidden="true">
          <CheckIcon />
        </div>
        <PageHeading
          title="Outlook connected"
          documentTitle={`${c.email} connected`}
          className="connected__title"
        />
        <p className="connected__email">{c.email}</p>
        {c.mailboxName ? <p className="muted connected__name">{c.mailboxName}</p> : null}
        <p className="connected__lead">
          New mail to this address now arrives in Mailroom, and replies go out from it.
        </p>
        {aliases.length ? (
          <div className="connected__aliases">
            <h2 className="section-title">Also replies as</h2>
            <ul className="plain-list alias-chips" aria-label="Aliases">
              {aliases.map((a) => (
                <li key={a.address} className="alias-chip">
                  {a.address}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {c.inboxes.length ? (
          <p className="connected__inboxes">
            <span className="muted">Conversations land in </span>
            {c.inboxes.map((inbox) => (
              <InboxChip key={inbox.id} inbox={inbox} />
            ))}
          </p>
        ) : null}
        <div className="connected__actions">
          <Link className="button button--secondary" to={`/settings/channels/${c.id}`}>
            Channel settings
          </Link>
          <Link className="button button--primary" to="/inbox">
            Go to the inbox
          </Link>
        </div>
      </section>
    </div>
  );
}

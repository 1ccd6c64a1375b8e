import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { canManageOrg } from "../accounts/accounts-api.ts";
import { useMe } from "../accounts/session.tsx";
import { NewEmailButton } from "../compose/new-email.tsx";
import { colorClass } from "../inboxes/inbox-colors.ts";
import { useInboxes } from "../inboxes/use-inboxes.ts";
import { InboxIcon, PlugIcon } from "../ui/icons.tsx";
import { EmptyState, Loading, PageHeading } from "../ui/page.tsx";
import { ConversationList } from "./conversation-list.tsx";
import { ConversationPane } from "./conversation-pane.tsx";
import type { ChannelImport } from "./inbox-api.ts";
import { useConversations } from "./use-conversations.ts";
import "../inboxes/inboxes.css";
import "./inbox.css";

/** Below this width the list and the open conversation are separate views (inbox.css agrees). */
const TWO_PANES = "(min-width: 900px)";

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    list.addEventListener("change", onChange);
    onChange();
    return () => list.removeEventListener("change", onChange);
  }, [query]);
  return matches;
}

/**
 * The shared inbox: the member's inboxes, the conversations of the chosen one (or all), and the
 * open conversation. Which inbox and conversation are in the URL (`?inbox=…&c=…`), so Back,
 * reloads and shared links work. The list stays live through server-sent events.
 */
export function InboxPage() {
  const [params] = useSearchParams();
  const inboxId = params.get("inbox");
  const selected = params.get("c");
  const twoPanes = useMediaQuery(TWO_PANES);
  const { inboxes } = useInboxes(false);
  const list = useConversations(inboxId);
  const scope = inboxId ? inboxes?.find((i) => i.id === inboxId) : undefined;
  const title = inboxId ? (scope?.name ?? "Inbox") : "All inboxes";

  const search = (next: { inbox?: string | null; c?: string | null }) => {
    const out = new URLSearchParams();
    const inbox = next.inbox === undefined ? inboxId : next.inbox;
    if (inbox) out.set("inbox", inbox);
    if (next.c) out.set("c", next.c);
    const text = out.toString();
    return text ? `?${text}` : "?";
  };

  return (
    <div className={`inbox-view${selected ? " inbox-view--reading" : ""}`}>
      <nav className="inbox-view__inboxes" aria-label="Inboxes">
        <ul className="inbox-nav">
          <li>
            <Link
              className="inbox-nav__link"
              to={search({ inbox: null })}
              aria-current={inboxId === null ? "page" : undefined}
            >
              <InboxIcon className="inbox-nav__icon" />
              All inboxes
            </Link>
          </li>
          {(inboxes ?? []).map((inbox) => (
            <li key={inbox.id}>
              <Link
                className="inbox-nav__link"
                to={search({ inbox: inbox.id })}
                aria-current={inboxId === inbox.id ? "page" : undefined}
              >
                <span className={`inbox-nav__dot ${colorClass(inbox.color)}`} aria-hidden="true" />
                {inbox.name}
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      <section className="inbox-view__list" aria-label={title}>
        <header className="inbox-view__header">
          <PageHeading title={title} documentTitle="Inbox" className="inbox-view__title" />
          <NewEmailButton channels={list.channels} />
        </header>
        <ChannelNotices channels={list.channels} hasItems={Boolean(list.items?.length)} />
        {list.error && list.items === null ? (
          <p className="alert alert--error" role="alert">
            {list.error}
          </p>
        ) : list.items === null ? (
          <Loading label="Loading conversations…" />
        ) : list.items.length === 0 ? (
          <EmptyList channels={list.channels} inboxName={scope?.name} />
        ) : (
          <>
            <ConversationList items={list.items} selectedId={selected} hrefFor={(c) => search({ c })} />
            {list.hasMore ? (
              <button
                type="button"
                className="button button--secondary button--block inbox-view__more"
                onClick={() => void list.loadMore()}
                disabled={list.loadingMore}
              >
                {list.loadingMore ? "Loading…" : "Show older conversations"}
              </button>
            ) : null}
          </>
        )}
        <p className="visually-hidden" role="status">
          {list.announcement}
        </p>
      </section>

      <section className="inbox-view__pane" aria-label="Conversation">
        {selected ? (
          <ConversationPane id={selected} backHref={search({ c: null })} focusOnOpen={!twoPanes} />
        ) : (
          <p className="inbox-view__placeholder muted">Choose a conversation to read it here.</p>
        )}
      </section>
    </div>
  );
}

/** "Importing…" while a channel's first import runs; "reconnect" when one needs it. */
function ChannelNotices({ channels, hasItems }: { channels: ChannelImport[]; hasItems: boolean }) {
  const importing = channels.filter((c) => c.importing);
  const broken = channels.filter((c) => c.status === "needs_reauth");
  return (
    <>
      {hasItems && importing.length ? (
        <p className="notice inbox-view__notice" role="status">
          Importing the last 7 days from {importing.map((c) => c.email).join(", ")}…
        </p>
      ) : null}
      {broken.map((c) => (
        <p key={c.id} className="notice inbox-view__notice">
          {c.email} needs to be reconnected before new mail arrives.{" "}
          <Link to={`/settings/channels/${encodeURIComponent(c.id)}`}>Open the channel</Link>
        </p>
      ))}
    </>
  );
}

function EmptyList({ channels, inboxName }: { channels: ChannelImport[]; inboxName?: string }) {
  const me = useMe();
  const admin = canManageOrg(me.org?.role);
  if (channels.some((c) => c.importing))
    return (
      <EmptyState icon={<InboxIcon />} title="Importing the last 7 days…">
        <p role="status">Your conversations appear here as they arrive. This usually takes a minute.</p>
      </EmptyState>
    );
  if (channels.length === 0)
    return (
      <EmptyState icon={<PlugIcon />} title="No mailbox connected">
        <p>
          {inboxName
            ? `No mailbox feeds ${inboxName} yet.`
            : "No conversations yet. Connect an inbox to start receiving mail."}
        </p>
        {admin ? (
          <Link className="button button--primary" to="/settings/channels">
            Go to Settings › Channels
          </Link>
        ) : (
          <p className="muted">Only owners and admins can connect channels — ask your admin.</p>
        )}
      </EmptyState>
    );
  return (
    <EmptyState icon={<InboxIcon />} title="No conversations yet">
      <p>New mail to {channels.map((c) => c.email).join(", ")} appears here as it arrives.</p>
    </EmptyState>
  );
}

import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { BellIcon } from "../ui/icons.tsx";
import { Time } from "../ui/time.tsx";
import { ATTENTION_QUERY, attentionWords, listAttention } from "./attention-api.ts";
import "./attention.css";
import { usePopover } from "../ui/use-popover.ts";

/**
 * Owners and admins: a bell listing what needs them — mailboxes that stopped syncing, and the
 * org's client secret expiring (reminded 30, 7 and 1 days before). Shares the banner's query,
 * which live events keep fresh. No outgoing mail server is needed for this.
 */
export function NotificationBell() {
  const query = useQuery({ queryKey: ATTENTION_QUERY, queryFn: listAttention });
  const { open, setOpen, panelId, root, toggle } = usePopover();

  const view = query.data;
  if (!view?.canReconnect) return null;
  const count = view.channels.length + (view.secret ? 1 : 0);
  return (
    <div className="bell" ref={root}>
      <button
        ref={toggle}
        type="button"
        className="bell__toggle"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={count ? `Notifications: ${count} need attention` : "Notifications"}
        onClick={() => setOpen((v) => !v)}
      >
        <BellIcon className="bell__icon" />
        {count ? (
          <span className="bell__count" aria-hidden="true">
            {count}
          </span>
        ) : null}
      </button>
      <div id={panelId} className="bell__panel" hidden={!open}>
        <h2 className="bell__title">Needs your attention</h2>
        {count === 0 ? <p className="muted bell__empty">Nothing needs your attention.</p> : null}
        <ul className="bell__list">
          {view.channels.map((c) => (
            <li key={c.id} className="bell__item">
              <Link to={`/settings/channels/${c.id}`} onClick={() => setOpen(false)}>
                {c.email}
              </Link>{" "}
              isn't syncing: {attentionWords(c.status, c.reason).reason}.{" "}
              <span className="muted">
                Since <Time value={c.since} />
              </span>
            </li>
          ))}
          {view.secret ? (
            <li className="bell__item">
              Your Azure app's client secret expires{" "}
              {view.secret.daysLeft === 1 ? "tomorrow" : `in ${view.secret.daysLeft} days`} (
              <Time value={view.secret.expiresAt} />
              ). In Azure Portal › App registrations › your app › Certificates &amp; secrets, add a new client
              secret (24 months is recommended), then{" "}
              <Link to="/settings/channels/credentials" onClick={() => setOpen(false)}>
                update it in Mailroom
              </Link>{" "}
              and reconnect the channels it lists.
            </li>
          ) : null}
        </ul>
      </div>
    </div>
  );
}

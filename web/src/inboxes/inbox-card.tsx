import { useId } from "react";
import { InboxChannels } from "./inbox-channels.tsx";
import { asInboxColor, colorClass, colorLabel } from "./inbox-colors.ts";
import type { ChannelOption, Inbox } from "./inboxes-api.ts";

interface InboxCardProps {
  inbox: Inbox;
  manage: boolean;
  orgChannels: ChannelOption[];
  onEdit(inbox: Inbox): void;
  onDelete(inbox: Inbox): void;
  onChanged(message: string): Promise<void>;
}

/** One shared inbox: colour, name, description, who sees it, the channels feeding it, and actions. */
export function InboxCard({ inbox, manage, orgChannels, onEdit, onDelete, onChanged }: InboxCardProps) {
  const titleId = useId();
  return (
    <li className="inbox-card">
      <article className={`inbox${manage ? " inbox--manage" : ""}`} aria-labelledby={titleId}>
        <header className="inbox__header">
          <span className={`inbox__dot ${colorClass(inbox.color)}`} aria-hidden="true" />
          <div className="inbox__title-block">
            <h2 className="inbox__name" id={titleId}>
              {inbox.name}
            </h2>
            <span className="visually-hidden">Colour: {colorLabel[asInboxColor(inbox.color)]}</span>
            {inbox.isDefault ? <span className="badge badge--default">Default</span> : null}
          </div>
        </header>
        {inbox.description ? <p className="inbox__description">{inbox.description}</p> : null}
        <dl className="inbox__facts">
          <div className="inbox__fact">
            <dt>Who can see it</dt>
            <dd>
              <Visibility inbox={inbox} />
            </dd>
          </div>
          <div className="inbox__fact">
            <dt>Channels</dt>
            <dd>
              <InboxChannels inbox={inbox} orgChannels={manage ? orgChannels : null} onChanged={onChanged} />
            </dd>
          </div>
        </dl>
        {inbox.isDefault && manage ? (
          <p className="inbox__note">
            This is the default inbox: newly connected channels land here, so it can't be deleted.
          </p>
        ) : null}
        {manage ? (
          <div className="inbox__actions">
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => onEdit(inbox)}
              aria-label={`Edit ${inbox.name}`}
            >
              Edit
            </button>
            {inbox.isDefault ? null : (
              <button
                type="button"
                className="button button--ghost-danger button--small"
                onClick={() => onDelete(inbox)}
                aria-label={`Delete ${inbox.name}`}
              >
                Delete
              </button>
            )}
          </div>
        ) : null}
      </article>
    </li>
  );
}

function Visibility({ inbox }: { inbox: Inbox }) {
  if (inbox.visibility === "org") return <span>Everyone in the organization</span>;
  return (
    <div className="inbox__visibility">
      <span>Only selected members</span>
      {inbox.members.length === 0 ? (
        <span className="muted"> — nobody yet; owners and admins still see it.</span>
      ) : (
        <ul className="people" aria-label={`Members who can see ${inbox.name}`}>
          {inbox.members.map((person) => (
            <li key={person.userId} className="person" title={person.email}>
              <span className="avatar avatar--small" aria-hidden="true">
                {(person.name || person.email).trim().charAt(0).toUpperCase()}
              </span>
              {person.name || person.email}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

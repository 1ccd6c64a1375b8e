import type { KeyboardEvent } from "react";
import { Link } from "react-router";
import { Time } from "../ui/time.tsx";
import { AttachmentIcon } from "./attachment-icon.tsx";
import { type ChannelImport, type ConversationItem, personLabel } from "./inbox-api.ts";

interface ConversationListProps {
  items: ConversationItem[];
  selectedId: string | null;
  /** Checked for a bulk action (every item when all matching are). */
  isChecked(id: string): boolean;
  onCheck(id: string, checked: boolean): void;
  /** The search string that opens a conversation (keeps the inbox in the URL). */
  hrefFor(id: string): string;
  /** The channels behind the list (its first page): rows of one that needs reconnecting are marked. */
  channels?: ChannelImport[];
}

/** Who a thread is with, as the list shows it: "Dana Customer, Lee" or the mailbox itself. */
export function participantsLine(item: ConversationItem): string {
  if (item.participants.length === 0) return item.channel.name || item.channel.email;
  return item.participants.map(personLabel).join(", ");
}

/** ↑/↓ move focus between conversations (Tab still works); Enter opens, as on any link. */
function moveWithArrows(event: KeyboardEvent<HTMLUListElement>) {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = [...event.currentTarget.querySelectorAll<HTMLAnchorElement>("a.conversation-item")];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  if (at === -1) return;
  const next = links[event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0)];
  event.preventDefault();
  next?.focus();
}

/** Channels that stopped syncing until someone reconnects them (the shell's banner says how). */
function notSyncing(channels: ChannelImport[]): Set<string> {
  return new Set(channels.filter((c) => c.status === "needs_reauth").map((c) => c.id));
}

/**
 * The conversations, newest activity first: a list of links (keyboard and screen readers get
 * them for free, plus ↑/↓), unread ones in bold with "Unread" spelled out, the open one marked current,
 * and those of a channel that needs reconnecting marked "Not syncing" (new mail there waits).
 */
export function ConversationList({
  items,
  selectedId,
  isChecked,
  onCheck,
  hrefFor,
  channels = [],
}: ConversationListProps) {
  const stale = notSyncing(channels);
  return (
    <ul className="conversation-list" aria-label="Conversations" onKeyDown={moveWithArrows}>
      {items.map((item) => {
        const unread = item.unreadCount > 0;
        const current = item.id === selectedId;
        return (
          <li key={item.id} className="conversation-row">
            <input
              type="checkbox"
              className="conversation-row__check"
              aria-label={`Select: ${item.subject || "(no subject)"}`}
              checked={isChecked(item.id)}
              onChange={(e) => onCheck(item.id, e.target.checked)}
            />
            <Link
              to={hrefFor(item.id)}
              className={`conversation-item${unread ? " conversation-item--unread" : ""}${current ? " conversation-item--current" : ""}`}
              aria-current={current ? "true" : undefined}
            >
              <span className="conversation-item__top">
                <span className="conversation-item__who">
                  {unread ? <span className="visually-hidden">Unread: </span> : null}
                  {participantsLine(item)}
                </span>
                {item.messageCount > 1 ? (
                  <span className="conversation-item__count">
                    {item.messageCount}
                    <span className="visually-hidden"> messages</span>
                  </span>
                ) : null}
                <span className="conversation-item__time">
                  <Time value={item.lastMessageAt} compact />
                </span>
              </span>
              <span className="conversation-item__subject">
                {item.status === "closed" ? <span className="conversation-item__closed">Closed</span> : null}
                {item.subject || "(no subject)"}
                {item.hasAttachments ? (
                  <span className="conversation-item__clip">
                    <AttachmentIcon />
                    <span className="visually-hidden"> (has attachments)</span>
                  </span>
                ) : null}
              </span>
              <span className="conversation-item__snippet">
                {/* On the snippet's line, not the sender's: names stay readable on a phone. */}
                {stale.has(item.channel.id) ? (
                  <span
                    className="conversation-item__stale"
                    title={`${item.channel.email} needs reconnecting`}
                  >
                    Not syncing
                  </span>
                ) : null}
                {item.snippet}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

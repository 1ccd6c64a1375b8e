import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { ReplyBar } from "../compose/reply-bar.tsx";
import { RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { Loading } from "../ui/page.tsx";
import { Time } from "../ui/time.tsx";
import { useLoad } from "../ui/use-load.ts";
import { AttachmentIcon } from "./attachment-icon.tsx";
import {
  attachmentUrl,
  type ConversationDetail,
  formatSize,
  getConversation,
  type MessageView,
  type Person,
  personLabel,
} from "./inbox-api.ts";

interface ConversationPaneProps {
  id: string;
  /** The search string back to the list (phones show one view at a time). */
  backHref: string;
  /** Move focus to the heading when it opens (phones, where the list just went away). */
  focusOnOpen: boolean;
}

/**
 * One conversation, its messages oldest first as plain text (the server reads HTML into text;
 * nothing here is rendered as HTML), with attachment chips that download. Refetched when a live
 * event names it.
 */
export function ConversationPane({ id, backHref, focusOnOpen }: ConversationPaneProps) {
  const [state, reload] = useLoad(() => getConversation(id).then((r) => r.conversation), id);
  const heading = useRef<HTMLHeadingElement>(null);

  useLiveEvents((event) => {
    if (event.type === RECONNECTED) void reload();
    if (event.type !== "conversations.updated") return;
    const ids = event.data.conversationIds;
    if (ids === null || ids.includes(id)) void reload();
  });

  const ready = state.status === "ready";
  useEffect(() => {
    if (ready && focusOnOpen) heading.current?.focus();
  }, [ready, focusOnOpen]);

  const back = (
    <Link className="button button--ghost button--small conversation__back" to={backHref}>
      ← Conversations
    </Link>
  );

  if (state.status === "loading") return <Loading label="Opening the conversation…" />;
  if (state.status === "failed")
    return (
      <div className="conversation conversation--missing">
        {back}
        <p className="alert alert--error" role="alert">
          {state.notFound ? "This conversation is no longer in your inboxes." : state.message}
        </p>
      </div>
    );
  const conversation: ConversationDetail = state.data;
  return (
    <article className="conversation" aria-labelledby="conversation-title">
      <header className="conversation__header">
        {back}
        <h2 id="conversation-title" className="conversation__title" ref={heading} tabIndex={-1}>
          {conversation.subject || "(no subject)"}
        </h2>
        <p className="muted">
          {conversation.messages.length === 1 ? "1 message" : `${conversation.messages.length} messages`} ·{" "}
          {conversation.channel.email}
        </p>
      </header>
      <ol className="thread" aria-label="Messages">
        {conversation.messages.map((message) => (
          <li key={message.id}>
            <Message message={message} />
          </li>
        ))}
      </ol>
      <ReplyBar conversationId={conversation.id} />
    </article>
  );
}

function Message({ message }: { message: MessageView }) {
  const from = message.from ? personLabel(message.from) : "Unknown sender";
  return (
    <article className={`message message--${message.direction === "outbound" ? "outbound" : "inbound"}`}>
      <header className="message__header">
        <p className="message__from">
          <strong>{from}</strong>
          {message.from?.name ? <span className="muted"> &lt;{message.from.address}&gt;</span> : null}
          {message.direction === "outbound" ? <span className="badge message__sent">Sent</span> : null}
        </p>
        {message.date ? (
          <p className="message__date muted">
            <Time value={message.date} compact />
          </p>
        ) : null}
        <Recipients label="To" people={message.to} />
        {message.cc.length ? <Recipients label="Cc" people={message.cc} /> : null}
      </header>
      <div className="message__text">{message.text || <span className="muted">(no text)</span>}</div>
      <Attachments message={message} />
    </article>
  );
}

function Recipients({ label, people }: { label: string; people: Person[] }) {
  if (people.length === 0) return null;
  return (
    <p className="message__recipients muted">
      {label}: {people.map((p) => (p.name ? `${p.name} <${p.address}>` : p.address)).join(", ")}
    </p>
  );
}

function Attachments({ message }: { message: MessageView }) {
  if (!message.hasAttachments && !message.attachments?.length) return null;
  if (message.attachments === null)
    return <p className="muted message__attachments-note">Attachments can't be listed right now.</p>;
  if (message.attachments.length === 0) return null;
  return (
    <ul className="attachment-chips" aria-label="Attachments">
      {message.attachments.map((a) => (
        <li key={a.id}>
          <a className="attachment-chip" href={attachmentUrl(message.id, a.id)} download={a.name}>
            <AttachmentIcon className="attachment-chip__icon" />
            <span className="attachment-chip__name">{a.name}</span>
            <span className="attachment-chip__size">{formatSize(a.size)}</span>
            <span className="visually-hidden">, download</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

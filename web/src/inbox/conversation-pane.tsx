import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { Link } from "react-router";
import { ApiError, errorMessage } from "../api.ts";
import { ReplyBar } from "../compose/reply-bar.tsx";
import { RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";
import { AttachmentList } from "../reading/attachment-list.tsx";
import { MessageBody } from "../reading/message-body.tsx";
import { conversationQuery } from "../reading/reading-api.ts";
import { ErrorLine, Loading } from "../ui/page.tsx";
import { displayNameOf, personWithAddress } from "../ui/person.ts";
import { Time } from "../ui/time.tsx";
import { type MessageView, type Person, personLabel } from "./inbox-api.ts";

interface ConversationPaneProps {
  id: string;
  /** The search string back to the list (phones show one view at a time). */
  backHref: string;
  /** Move focus to the heading when it opens (phones, where the list just went away). */
  focusOnOpen: boolean;
}

/**
 * One conversation, its messages oldest first, each body the message's real HTML in a sandboxed
 * frame (reading/message-body.tsx), with its attachments. Kept in TanStack Query's cache and
 * refetched when a live event names it.
 */
export function ConversationPane({ id, backHref, focusOnOpen }: ConversationPaneProps) {
  const query = useQuery(conversationQuery(id));
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);

  useLiveEvents((event) => {
    const reload = () => void queryClient.invalidateQueries({ queryKey: conversationQuery(id).queryKey });
    if (event.type === RECONNECTED) reload();
    if (event.type !== "conversations.updated") return;
    const ids = event.data.conversationIds;
    if (ids === null || ids.includes(id)) reload();
  });

  const ready = query.isSuccess;
  useEffect(() => {
    if (ready && focusOnOpen) heading.current?.focus();
  }, [ready, focusOnOpen]);

  const back = (
    <Link className="button button--ghost button--small conversation__back" to={backHref}>
      ← Conversations
    </Link>
  );

  if (query.isPending) return <Loading label="Opening the conversation…" />;
  const gone = query.isError && query.error instanceof ApiError && query.error.status === 404;
  // A refresh that failed for a passing reason keeps the thread on screen (and the composer open
  // under it, with what is being typed): only a first load that failed, or a conversation that is
  // gone, replaces it.
  if (query.isError && (gone || !query.data)) {
    return (
      <div className="conversation conversation--missing">
        {back}
        <ErrorLine onRetry={gone ? undefined : () => void query.refetch()}>
          {gone ? "This conversation is no longer in your inboxes." : errorMessage(query.error)}
        </ErrorLine>
      </div>
    );
  }
  const conversation = query.data;
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
      {conversation.messages.length === 0 ? (
        <p className="muted">
          This conversation has no messages left (they were deleted or moved in Outlook).
        </p>
      ) : (
        <ol className="thread" aria-label="Messages">
          {conversation.messages.map((message) => (
            <li key={message.id}>
              <Message conversationId={conversation.id} message={message} />
            </li>
          ))}
        </ol>
      )}
      {query.isError ? (
        // Just above the reply, and sticky (conversation.css): an agent typing there sees it.
        <ErrorLine className="conversation__refresh-error" onRetry={() => void query.refetch()}>
          This conversation could not be refreshed: {errorMessage(query.error)}
        </ErrorLine>
      ) : null}
      <ReplyBar conversationId={conversation.id} />
    </article>
  );
}

function Message({ conversationId, message }: { conversationId: string; message: MessageView }) {
  const from = message.from ? personLabel(message.from) : "Unknown sender";
  return (
    <article className={`message message--${message.direction === "outbound" ? "outbound" : "inbound"}`}>
      <header className="message__header">
        <p className="message__from">
          <strong>{from}</strong>
          {message.from && displayNameOf(message.from) ? (
            <span className="muted"> &lt;{message.from.address}&gt;</span>
          ) : null}
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
      <MessageBody
        conversationId={conversationId}
        messageId={message.id}
        from={from}
        outbound={message.direction === "outbound"}
      />
      <AttachmentList message={message} />
    </article>
  );
}

function Recipients({ label, people }: { label: string; people: Person[] }) {
  if (people.length === 0) return null;
  return (
    <p className="message__recipients muted">
      {label}: {people.map(personWithAddress).join(", ")}
    </p>
  );
}

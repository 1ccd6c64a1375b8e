import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { errorMessage } from "../api.ts";
import { ErrorLine } from "../ui/page.tsx";
import {
  allowRemoteImages,
  type BodySummary,
  blockRemoteImages,
  bodyDocumentUrl,
  bodySummaryKey,
  bodySummaryQuery,
  type MessageRef,
  type RemoteImageScope,
} from "./reading-api.ts";
import "./reading.css";

/**
 * The frame's height. A frame without scripts can't report its content's height and an
 * opaque-origin document can't be measured from outside (ADR 017), so the server estimates it:
 * the frame starts at that estimate up to COLLAPSED_MAX (a long mail scrolls inside), and
 * "Expand" grows it to the full estimate plus a margin for what the estimate misses.
 */
const MIN_HEIGHT = 96;
const COLLAPSED_MAX = 560;
const expandedHeight = (hint: number) => Math.min(Math.round(hint * 1.3) + 120, 30_000);

interface MessageBodyProps extends MessageRef {
  /** For the frame's accessible name ("Message from …"). */
  from: string;
  /** Sent by the mailbox: no "always show from this sender" (that would be ourselves). */
  outbound?: boolean;
}

/**
 * One message's real HTML in a sandboxed frame (no scripts, opaque origin, the server's own CSP),
 * with the "Show images" banner, "Show quoted text" and "Expand" around it.
 */
export function MessageBody({ conversationId, messageId, from, outbound = false }: MessageBodyProps) {
  const ref = { conversationId, messageId };
  const summary = useQuery(bodySummaryQuery(ref));
  const [quoted, setQuoted] = useState(false);
  const [expanded, setExpanded] = useState(false);

  if (summary.isPending) return <p className="muted reading__status">Loading the message…</p>;
  if (summary.isError)
    return (
      <ErrorLine className="reading__status" onRetry={() => void summary.refetch()}>
        This message can't be shown right now: {errorMessage(summary.error)}
      </ErrorLine>
    );

  const s = summary.data;
  const hint = quoted ? s.fullHeightHint : s.heightHint;
  const tall = hint > COLLAPSED_MAX;
  const height = expanded ? expandedHeight(hint) : Math.max(MIN_HEIGHT, Math.min(hint + 16, COLLAPSED_MAX));
  const imagesAllowed = s.remoteImagesAllowed !== null;
  const src = bodyDocumentUrl(ref, { quoted, imagesAllowed });
  if (s.empty && !s.hasQuoted && s.remoteImages === 0)
    return <p className="muted reading__status">(This message has no text.)</p>;
  return (
    <div className="reading">
      {s.remoteImages > 0 && !imagesAllowed ? (
        <RemoteImagesBanner messageRef={ref} count={s.remoteImages} perSender={!outbound} />
      ) : null}
      {s.remoteImages > 0 && s.remoteImagesAllowed ? (
        <ImagesShownNote messageRef={ref} scope={s.remoteImagesAllowed} />
      ) : null}
      <iframe
        className="reading__frame"
        title={`Message from ${from}`}
        src={src}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        loading="lazy"
        style={{ height }}
      />
      <BodyActions
        summary={s}
        src={src}
        quoted={quoted}
        onQuoted={setQuoted}
        expanded={expanded}
        onExpanded={tall || expanded ? setExpanded : undefined}
      />
    </div>
  );
}

interface BodyActionsProps {
  summary: BodySummary;
  src: string;
  quoted: boolean;
  onQuoted(quoted: boolean): void;
  expanded: boolean;
  /** Absent while the message fits the collapsed frame. */
  onExpanded?: (expanded: boolean) => void;
}

/** Show quoted text, Expand, Open in a new tab, and what could not be shown. */
function BodyActions({ summary, src, quoted, onQuoted, expanded, onExpanded }: BodyActionsProps) {
  return (
    <div className="reading__actions">
      {summary.hasQuoted ? (
        <button
          type="button"
          className="button button--ghost button--small"
          aria-pressed={quoted}
          onClick={() => onQuoted(!quoted)}
        >
          {quoted ? "Hide quoted text" : "Show quoted text"}
        </button>
      ) : null}
      {onExpanded ? (
        <button
          type="button"
          className="button button--ghost button--small"
          aria-pressed={expanded}
          onClick={() => onExpanded(!expanded)}
        >
          {expanded ? "Collapse message" : "Expand message"}
        </button>
      ) : null}
      {/* The whole message at the window's size (its CSP sandboxes it there too): for when the
        estimate is short, and for printing. */}
      <a className="button button--ghost button--small" href={src} target="_blank" rel="noopener noreferrer">
        Open in a new tab
      </a>
      {summary.inlineImagesOmitted > 0 ? (
        <span className="muted reading__note">
          {summary.inlineImagesOmitted === 1
            ? "1 inline image"
            : `${summary.inlineImagesOmitted} inline images`}{" "}
          not shown here (too large or unavailable): see the attachments.
        </span>
      ) : null}
    </div>
  );
}

/** Remote images are shown because someone allowed them: saying so, and blocking them again. */
function ImagesShownNote({ messageRef, scope }: { messageRef: MessageRef; scope: RemoteImageScope }) {
  const queryClient = useQueryClient();
  const block = useMutation({
    mutationFn: () => blockRemoteImages(messageRef),
    onSuccess: (summary) => {
      queryClient.setQueryData(bodySummaryKey(messageRef), summary);
      // The sender's allowance went too: their other messages block again.
      if (scope === "sender") void queryClient.invalidateQueries({ queryKey: ["message-body-summary"] });
    },
  });
  return (
    <p className="reading__shown muted">
      {scope === "sender" ? "Remote images from this sender are shown." : "Remote images are shown."}{" "}
      <button
        type="button"
        className="button button--ghost button--small"
        disabled={block.isPending}
        onClick={() => block.mutate()}
      >
        {scope === "sender" ? "Stop showing them from this sender" : "Block them again"}
      </button>
      {block.isError ? (
        <span className="reading__banner-error" role="alert">
          {errorMessage(block.error)}
        </span>
      ) : null}
    </p>
  );
}

function RemoteImagesBanner({
  messageRef,
  count,
  perSender,
}: {
  messageRef: MessageRef;
  count: number;
  perSender: boolean;
}) {
  const queryClient = useQueryClient();
  const allow = useMutation({
    mutationFn: (scope: RemoteImageScope) => allowRemoteImages(messageRef, scope),
    onSuccess: (summary, scope) => {
      queryClient.setQueryData(bodySummaryKey(messageRef), summary);
      // A sender's allowance changes that sender's other messages too.
      if (scope === "sender") void queryClient.invalidateQueries({ queryKey: ["message-body-summary"] });
    },
  });
  return (
    <div className="reading__banner" role="status">
      <span>
        {count === 1 ? "1 remote image is" : `${count} remote images are`} blocked to protect your privacy.
      </span>
      <button
        type="button"
        className="button button--secondary button--small"
        disabled={allow.isPending}
        onClick={() => allow.mutate("message")}
      >
        Show images
      </button>
      {perSender ? (
        <button
          type="button"
          className="button button--ghost button--small"
          disabled={allow.isPending}
          onClick={() => allow.mutate("sender")}
        >
          Always show from this sender
        </button>
      ) : null}
      {allow.isError ? (
        <span className="reading__banner-error" role="alert">
          {errorMessage(allow.error)}
        </span>
      ) : null}
    </div>
  );
}

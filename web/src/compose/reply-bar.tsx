import type { OutboxItem, OutboxKind } from "@mailroom/contract";
import { useQueryClient } from "@tanstack/react-query";
import { type Dispatch, type SetStateAction, useEffect, useState } from "react";
import { useMe } from "../accounts/session.tsx";
import { ApiError } from "../api.ts";
import type { PickedFile } from "./attachment-picker.tsx";
import { composeKeys, useConversationCompose, useConversationOutbox } from "./compose-api.ts";
import type { LocalDraft } from "./draft-store.ts";
import { LazyComposer } from "./lazy-composer.tsx";
import { OutboxList } from "./outbox-list.tsx";
import { draftOf, filesOf } from "./undo-restore.ts";
import { UndoToast } from "./undo-toast.tsx";
import "./compose.css";
import { type Presence, useAnnouncePresence, usePresenceOf } from "./use-presence.ts";

/** The keyboard's r / a / f (i11-bulk's keyboard module dispatches these on window). */
export const COMPOSE_EVENT = "mailroom:compose";
type ReplyKind = Exclude<OutboxKind, "new">;
const KINDS: ReplyKind[] = ["reply", "replyAll", "forward"];

function composeKind(event: Event): ReplyKind | undefined {
  const detail: unknown = event instanceof CustomEvent ? event.detail : undefined;
  if (typeof detail !== "object" || detail === null || !("kind" in detail)) return undefined;
  return KINDS.find((k) => k === detail.kind);
}

/** What the composer opens with: the kind, and after an undo the draft and files it brings back. */
type OpenComposer = { kind: ReplyKind; restored?: LocalDraft; files?: PickedFile[] };

/**
 * Under a conversation's thread: who else is here, its outgoing messages (on their way, or failed
 * with Retry), and Reply / Reply all / Forward, which open the composer.
 */
export function ReplyBar({ conversationId }: { conversationId: string }) {
  const me = useMe();
  const client = useQueryClient();
  const context = useConversationCompose(conversationId);
  const outbox = useConversationOutbox(conversationId);
  const [open, setOpen] = useState<OpenComposer | null>(null);
  const [justSent, setJustSent] = useState<OutboxItem | null>(null);
  useAnnouncePresence(conversationId, open ? "composing" : "viewing");
  const others = usePresenceOf(conversationId, me.user.id);
  useComposeShortcuts(setOpen);

  const refresh = () => client.invalidateQueries({ queryKey: composeKeys.outbox(conversationId) });

  return (
    <section className="reply-bar" aria-label="Reply">
      <PresenceLine others={others} />
      <OutboxList items={outbox.data ?? []} onChanged={refresh} />
      {justSent ? (
        <UndoToast
          item={justSent}
          onDone={() => setJustSent(null)}
          onUndone={(item) => {
            setJustSent(null);
            void refresh();
            if (item.kind !== "new")
              setOpen({ kind: item.kind, restored: draftOf(item), files: filesOf(item) });
          }}
        />
      ) : null}
      {open && context.data ? (
        <LazyComposer
          key={`${open.kind}:${open.restored?.savedAt ?? 0}`}
          kind={open.kind}
          context={context.data}
          draftKey={`conversation:${conversationId}`}
          restored={open.restored}
          restoredFiles={open.files}
          onClose={() => setOpen(null)}
          onSent={(item) => {
            setOpen(null);
            setJustSent(item);
            void refresh();
          }}
        />
      ) : (
        <ReplyActions
          ready={Boolean(context.data)}
          error={context.error}
          onOpen={(kind) => setOpen({ kind })}
        />
      )}
    </section>
  );
}

/** r / a / f open the composer, unless it is open already (its draft is never replaced). */
function useComposeShortcuts(setOpen: Dispatch<SetStateAction<OpenComposer | null>>) {
  useEffect(() => {
    const onCompose = (event: Event) => {
      const kind = composeKind(event);
      if (kind) setOpen((current) => current ?? { kind });
    };
    window.addEventListener(COMPOSE_EVENT, onCompose);
    return () => window.removeEventListener(COMPOSE_EVENT, onCompose);
  }, [setOpen]);
}

/** "Ana is replying · Ben is viewing": colleagues on this conversation right now. */
function PresenceLine({ others }: { others: Presence[] }) {
  if (!others.length) return null;
  return (
    <p className="reply-bar__presence" role="status">
      {others.map((p) => `${p.name} is ${p.activity === "composing" ? "replying" : "viewing"}`).join(" · ")}
    </p>
  );
}

/** Reply / Reply all / Forward, usable once the conversation's compose context has loaded. */
function ReplyActions({
  ready,
  error,
  onOpen,
}: {
  ready: boolean;
  error: Error | null;
  onOpen: (kind: ReplyKind) => void;
}) {
  return (
    <div className="reply-bar__actions">
      {error ? (
        <p className="alert alert--error">
          {error instanceof ApiError ? error.title : "Replying is not possible right now."}
        </p>
      ) : null}
      <button
        type="button"
        className="button button--primary"
        disabled={!ready}
        onClick={() => onOpen("reply")}
      >
        Reply
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={!ready}
        onClick={() => onOpen("replyAll")}
      >
        Reply all
      </button>
      <button
        type="button"
        className="button button--secondary"
        disabled={!ready}
        onClick={() => onOpen("forward")}
      >
        Forward
      </button>
    </div>
  );
}

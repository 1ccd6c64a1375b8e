import type {
  ComposeContext,
  CreateOutboxBody,
  OutboxItem,
  OutboxKind,
  SendCollision,
} from "@mailroom/contract";
import { type FormEvent, useEffect, useState } from "react";
import { ApiError } from "../api.ts";
import { AddressFields } from "./address-fields.tsx";
import { AttachmentPicker, type PickedFile } from "./attachment-picker.tsx";
import { CollisionNotice } from "./collision-notice.tsx";
import { readCollision, sendMessage } from "./compose-api.ts";
import { clearDraft, type LocalDraft, loadDraft, newSendKey, saveDraft } from "./draft-store.ts";
import { RichEditor } from "./rich-editor.tsx";

export interface ComposerProps {
  kind: OutboxKind;
  context: ComposeContext;
  /** Where the draft is kept while typing (per conversation, or per mailbox for a new email). */
  draftKey: string;
  /** Content to start from instead (a message Undo brought back), with its files. */
  restored?: LocalDraft | undefined;
  restoredFiles?: PickedFile[] | undefined;
  onClose(): void;
  onSent(item: OutboxItem): void;
}

const TITLES: Record<OutboxKind, string> = {
  reply: "Reply",
  replyAll: "Reply all",
  forward: "Forward",
  new: "New email",
};

/** "FW: " as Exchange writes it, unless the subject has it already. */
function forwardSubject(subject: string): string {
  return /^fw:/i.test(subject) ? subject : `FW: ${subject}`;
}

/** The draft a composer opens with: what Undo returned, a kept draft of the same kind, or defaults. */
function startingDraft(props: ComposerProps): LocalDraft {
  if (props.restored) return { ...props.restored, sendKey: props.restored.sendKey ?? newSendKey() };
  const kept = loadDraft(props.draftKey);
  if (kept && kept.kind === props.kind) return { ...kept, sendKey: kept.sendKey ?? newSendKey() };
  const { context, kind } = props;
  const defaults = kind === "reply" || kind === "replyAll" ? context.defaults?.[kind] : undefined;
  const signature = context.signatureHtml ? `<p></p><p>--</p>${context.signatureHtml}` : "";
  return {
    kind,
    from: context.defaultFrom,
    to: defaults?.to ?? [],
    cc: defaults?.cc ?? [],
    bcc: context.autoBcc ? [{ address: context.autoBcc, name: null }] : [],
    subject: kind === "forward" ? forwardSubject(context.defaults?.subject ?? "") : "",
    html: `<p></p>${signature}`,
    sendKey: newSendKey(),
    savedAt: Date.now(),
  };
}

/**
 * Writing a reply, reply-all, forward or new email: From (the mailbox's addresses), To / Cc / Bcc
 * chips, rich text, kept in this browser while typing. Send queues it (the undo window starts);
 * a newer message or a colleague's reply stops it first, with "Send anyway".
 */
export function Composer(props: ComposerProps) {
  const { kind, context, draftKey, onClose, onSent } = props;
  const [draft, update] = useKeptDraft(props);
  // A reply knows its recipients: the cursor starts in the text (else in To, AddressFields).
  const [startInText] = useState(draft.to.length > 0);
  const [showCopies, setShowCopies] = useState(draft.cc.length > 0 || draft.bcc.length > 0);
  const [files, setFiles] = useState<PickedFile[]>(() => props.restoredFiles ?? keptFiles(draft));
  // The uploaded files go with the kept draft, so a reload or a reopened composer still has them.
  const uploaded = uploadedFiles(files);
  const uploadedKey = JSON.stringify(uploaded);
  // biome-ignore lint/correctness/useExhaustiveDependencies: uploadedKey stands for uploaded, a new array on every progress tick
  useEffect(() => update({ files: uploaded }), [uploadedKey]);
  const uploading = files.some((f) => !f.uploadId && !f.error);
  const sending = useSend(draftKey, onSent);
  const send = (sendAnyway: boolean) => void sending.send(sendBody(props, draft, files, sendAnyway));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(false);
  };

  return (
    <form className="composer" aria-label={TITLES[kind]} onSubmit={onSubmit}>
      <header className="composer__header">
        <h3 className="composer__title">{TITLES[kind]}</h3>
        <button type="button" className="button button--ghost button--small" onClick={onClose}>
          Close
        </button>
      </header>
      {sending.collision ? (
        <CollisionNotice
          collision={sending.collision}
          busy={sending.busy}
          onSendAnyway={() => send(true)}
          onDismiss={sending.dismissCollision}
        />
      ) : null}
      <AddressFields
        kind={kind}
        context={context}
        draft={draft}
        update={update}
        fields={sending.error?.fieldErrors() ?? {}}
        showCopies={showCopies}
        onShowCopies={() => setShowCopies(true)}
      />
      <RichEditor
        label="Message"
        initialHtml={draft.html}
        onChange={(html) => update({ html })}
        autoFocus={startInText}
      />
      <AttachmentPicker channelId={context.channelId} files={files} onChange={setFiles} />
      {sending.error ? (
        <p className="alert alert--error" role="alert">
          {sending.error.title}
        </p>
      ) : null}
      <ComposerFooter busy={sending.busy} uploading={uploading} undoSendSeconds={context.undoSendSeconds} />
    </form>
  );
}

/** The files a kept draft had uploaded, back in the picker as done. */
function keptFiles(draft: LocalDraft): PickedFile[] {
  return (draft.files ?? []).map((f) => ({
    key: f.uploadId,
    name: f.name,
    size: f.size,
    received: f.size,
    uploadId: f.uploadId,
    error: null,
  }));
}

function uploadedFiles(files: PickedFile[]): NonNullable<LocalDraft["files"]> {
  return files.flatMap((f) => (f.uploadId ? [{ uploadId: f.uploadId, name: f.name, size: f.size }] : []));
}

/** The draft being written, kept in this browser a moment after each change. */
function useKeptDraft(props: ComposerProps) {
  const { draftKey } = props;
  const [draft, setDraft] = useState<LocalDraft>(() => startingDraft(props));
  useEffect(() => {
    const timer = setTimeout(() => saveDraft(draftKey, { ...draft, savedAt: Date.now() }), 400);
    return () => clearTimeout(timer);
  }, [draft, draftKey]);
  const update = (patch: Partial<LocalDraft>) => setDraft((d) => ({ ...d, ...patch }));
  return [draft, update] as const;
}

/** What Send asks the server to queue: the draft, its uploaded files, and what it answers. */
function sendBody(
  { kind, context }: ComposerProps,
  draft: LocalDraft,
  files: PickedFile[],
  sendAnyway: boolean,
): CreateOutboxBody {
  return {
    kind,
    ...(kind === "new" ? { channelId: context.channelId } : { messageId: context.defaults?.messageId }),
    ...(context.defaults ? { lastSeenMessageId: context.defaults.lastSeenMessageId } : {}),
    from: draft.from,
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    ...(kind === "new" || kind === "forward" ? { subject: draft.subject } : {}),
    html: draft.html,
    attachments: files.flatMap((f) => (f.uploadId ? [{ uploadId: f.uploadId }] : [])),
    sendAnyway,
    // The same key until it is queued: a Send repeated after a lost answer queues nothing new.
    ...(draft.sendKey ? { sendKey: draft.sendKey } : {}),
  };
}

/** Sending: the kept draft goes once the server queued the message; a collision or a refusal shows. */
function useSend(draftKey: string, onSent: (item: OutboxItem) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [collision, setCollision] = useState<SendCollision | null>(null);

  async function send(body: CreateOutboxBody) {
    setBusy(true);
    setError(null);
    try {
      const item = await sendMessage(body);
      clearDraft(draftKey);
      onSent(item);
    } catch (caught) {
      const newer = readCollision(caught);
      if (newer) setCollision(newer);
      else setError(caught instanceof ApiError ? caught : new ApiError(0, "unknown", "Sending failed"));
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, collision, send, dismissCollision: () => setCollision(null) };
}

function ComposerFooter(props: { busy: boolean; uploading: boolean; undoSendSeconds: number }) {
  const { busy, uploading, undoSendSeconds } = props;
  return (
    <footer className="composer__footer">
      <button type="submit" className="button button--primary" disabled={busy || uploading}>
        {busy ? "Sending…" : uploading ? "Uploading…" : "Send"}
      </button>
      <span className="muted">
        {undoSendSeconds > 0 ? `You can undo for ${undoSendSeconds} s after sending.` : ""}
      </span>
    </footer>
  );
}

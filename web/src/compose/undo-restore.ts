import type { OutboxItem } from "@mailroom/contract";
import type { PickedFile } from "./attachment-picker.tsx";
import { type LocalDraft, newSendKey } from "./draft-store.ts";

/** An undone message's files, already uploaded, back into the composer. */
export function filesOf(item: OutboxItem): PickedFile[] {
  return item.attachments.map((a) => ({
    key: a.uploadId,
    name: a.name,
    size: a.size,
    received: a.size,
    uploadId: a.uploadId,
    error: null,
  }));
}

/** An undone message, back into the composer as it was; its next Send is a new message (new key). */
export function draftOf(item: OutboxItem): LocalDraft {
  return {
    kind: item.kind,
    from: item.from,
    to: item.to,
    cc: item.cc,
    bcc: item.bcc,
    subject: item.subject,
    html: item.html,
    sendKey: newSendKey(),
    savedAt: Date.now(),
  };
}

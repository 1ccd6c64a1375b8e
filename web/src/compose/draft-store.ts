import { type ComposerDraft, composerDraft } from "@mailroom/contract";

/**
 * Drafts kept while typing, per conversation (or mailbox, for a new email) in this browser's
 * localStorage: a reload or a closed tab loses nothing. Cleared once the message is queued.
 */
export type LocalDraft = ComposerDraft;

const PREFIX = "mailroom:draft:";

export function loadDraft(key: string): LocalDraft | undefined {
  try {
    const raw = localStorage.getItem(PREFIX + key);
    const parsed = raw ? composerDraft.safeParse(JSON.parse(raw)) : undefined;
    return parsed?.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function saveDraft(key: string, draft: LocalDraft): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the draft lives on in the open composer only.
  }
}

/**
 * A new key for a message's Send (createOutboxBody.sendKey): a UUID v4. From getRandomValues, as
 * randomUUID exists only on HTTPS pages and localhost.
 */
export function newSendKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function clearDraft(key: string): void {
  try {
    localStorage.removeItem(PREFIX + key);
  } catch {
    // nothing to clear
  }
}

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

export function clearDraft(key: string): void {
  try {
    localStorage.removeItem(PREFIX + key);
  } catch {
    // nothing to clear
  }
}

import { FOLLOWED_FOLDERS, type FollowedFolder } from "../../mail/folders.ts";
import type { BackfillFolderCursor } from "./schema.ts";

/** Where a backfill stands in each folder; a folder not started yet has no cursor. */
export type BackfillCursors = Partial<Record<FollowedFolder, BackfillFolderCursor>>;

const UNSTARTED: BackfillFolderCursor = { nextLink: null, total: null, synced: 0, done: false };

/**
 * The folder's cursor after one of its pages is stored: Graph's next link (none: the folder is
 * done), the page's messages counted, and the window's total once Graph said it. `counted` holds
 * totals that other folders' first pages reported before being stored, so the bar covers every
 * folder early.
 */
export function advanceCursors(
  cursors: BackfillCursors,
  page: { folder: FollowedFolder; messages: number; count?: number; next?: string },
  counted: ReadonlyMap<FollowedFolder, number>,
): BackfillCursors {
  const next: BackfillCursors = { ...cursors };
  const before = cursors[page.folder] ?? UNSTARTED;
  next[page.folder] = {
    total: page.count ?? before.total,
    synced: before.synced + page.messages,
    nextLink: page.next ?? null,
    done: !page.next,
  };
  for (const [other, count] of counted) {
    if (other !== page.folder && (next[other]?.total ?? null) === null)
      next[other] = { ...(next[other] ?? UNSTARTED), total: count };
  }
  return next;
}

/** Known once every folder's first page has reported its count (a partial sum would mislead the bar). */
export function backfillTotal(cursors: BackfillCursors): number | null {
  let sum = 0;
  for (const folder of FOLLOWED_FOLDERS) {
    const total = cursors[folder]?.total ?? null;
    if (total === null) return null;
    sum += total;
  }
  return sum;
}

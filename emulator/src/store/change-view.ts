/**
 * How one change-log event looks from a single folder: the pure projection delta queries and
 * folder-scoped subscriptions need. A move reads as `deleted` in the source folder and `created`
 * in the destination (Graph's delta reports a moved-out item with `@removed`).
 */
import type { ChangeEvent } from "./types.ts";

export type FolderChange = "created" | "updated" | "deleted";

export function changeInFolder(event: ChangeEvent, folderId: string): FolderChange | null {
  if (event.kind === "moved") {
    if (event.folderId === folderId) return "created";
    if (event.fromFolderId === folderId) return "deleted";
    return null;
  }
  return event.folderId === folderId ? event.kind : null;
}

/** The same event for a mailbox-wide view (`/me/messages`): a move is an update there. */
export function changeInMailbox(event: ChangeEvent): FolderChange {
  return event.kind === "moved" ? "updated" : event.kind;
}

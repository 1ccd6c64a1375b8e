/**
 * The folders the store follows (ADR 009): the Inbox, and Sent Items for what the mailbox sends —
 * Graph's well-known folder names, which also name the folder of every stored message and cursor.
 * https://learn.microsoft.com/graph/api/resources/mailfolder
 */
export const FOLLOWED_FOLDERS = ["inbox", "sentitems"] as const;
export type FollowedFolder = (typeof FOLLOWED_FOLDERS)[number];

/**
 * Graph's well-known folder names, which every mailbox resolves to its own folder ("Move to
 * Deleted Items" works across mailboxes; a folder's id names a folder of one mailbox only).
 * https://learn.microsoft.com/graph/api/resources/mailfolder#well-known-folder-names
 */
export const WELL_KNOWN_FOLDERS: ReadonlySet<string> = new Set([
  "archive",
  "clutter",
  "conflicts",
  "conversationhistory",
  "deleteditems",
  "drafts",
  "inbox",
  "junkemail",
  "localfailures",
  "msgfolderroot",
  "outbox",
  "recoverableitemsdeletions",
  "scheduled",
  "searchfolders",
  "sentitems",
  "serverfailures",
  "syncissues",
]);

/**
 * The folders the store follows (ADR 009): the Inbox, and Sent Items for what the mailbox sends —
 * Graph's well-known folder names, which also name the folder of every stored message and cursor.
 * https://learn.microsoft.com/graph/api/resources/mailfolder
 */
export const FOLLOWED_FOLDERS = ["inbox", "sentitems"] as const;
export type FollowedFolder = (typeof FOLLOWED_FOLDERS)[number];

/**
 * Parses the `resource` of a mail subscription into the mailbox and folder it watches. Accepted
 * forms (any case, with or without a leading slash), per the resource examples in
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions and
 * https://learn.microsoft.com/graph/outlook-change-notifications-overview:
 *   me/messages, users/{id|upn}/messages, users('{id}')/messages,
 *   me/mailFolders('{id|name}')/messages, me/mailFolders/{id|name}/messages (and users/… forms).
 */

export interface MailResource {
  /** `me`, or the id / UPN after `users/`. */
  user: "me" | { idOrUpn: string };
  /** Folder id or well-known name; null for all the mailbox's messages. */
  folder: string | null;
}

const SEGMENT = String.raw`(?:/([^/()']+)|\('([^']+)'\))`;
const PATTERN = new RegExp(`^/?(?:(me)|users${SEGMENT})(?:/mailfolders${SEGMENT})?/messages/?$`, "i");

export function parseMailResource(resource: string): MailResource | null {
  const match = PATTERN.exec(resource.trim());
  if (!match) return null;
  const [, me, userPath, userQuoted, folderPath, folderQuoted] = match;
  const userId = userPath ?? userQuoted;
  const folder = folderPath ?? folderQuoted ?? null;
  if (!me && !userId) return null;
  return {
    user: me ? "me" : { idOrUpn: decodeURIComponent(userId!) },
    folder: folder === null ? null : decodeURIComponent(folder),
  };
}

export const CHANGE_TYPES = ["created", "updated", "deleted"] as const;

/** `"created,updated"` → ["created","updated"]; null when any part is unknown or the list is empty. */
export function parseChangeTypes(value: string): (typeof CHANGE_TYPES)[number][] | null {
  const parts = value.split(",").map((part) => part.trim().toLowerCase());
  const known: (typeof CHANGE_TYPES)[number][] = [];
  for (const part of parts) {
    const type = CHANGE_TYPES.find((candidate) => candidate === part);
    if (!type) return null;
    if (!known.includes(type)) known.push(type);
  }
  return known.length > 0 ? known : null;
}

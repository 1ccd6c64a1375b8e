import type { LiveEvent } from "../live/live-events.ts";
import { RECONNECTED } from "../live/live-events.ts";
import type { ConversationItem } from "./inbox-api.ts";

/**
 * How the conversation list takes in live updates, as pure functions of the list it holds: which
 * events refetch what, and how a refetched first page or a few refetched conversations merge into
 * the loaded pages without losing the ones below, duplicating any or breaking the order.
 */

/** Newest activity first; ties by id, as the server orders them. */
export function byActivity(a: ConversationItem, b: ConversationItem): number {
  const diff = Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt);
  return diff !== 0 ? diff : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * What a live event asks the list to refetch: the named conversations, `"first-page"` (too many
 * to name, a reconnect that may have missed events, inboxes or channels changed, a first import
 * finished), or nothing.
 */
export function refetchFor(event: LiveEvent): string[] | "first-page" | null {
  if (event.type === "conversations.updated") return event.data.conversationIds ?? "first-page";
  if (
    event.type === RECONNECTED ||
    event.type === "inboxes.updated" ||
    event.type === "channels.updated" ||
    (event.type === "sync.progress" && event.data.kind === "initial" && event.data.status !== "running")
  )
    return "first-page";
  return null;
}

/**
 * A refetched first page merged with what is loaded: the first page is the truth above its last
 * item; loaded conversations below it stay (pages loaded with "Load more"). `hasMore` says the
 * list was not complete; without it, or when nothing below the first page was loaded, the first
 * page replaces the list (`replaced`: the list's cursor is the page's again).
 */
export function mergeFirstPage(
  previous: ConversationItem[] | null,
  page: ConversationItem[],
  hasMore: boolean,
): { items: ConversationItem[]; replaced: boolean } {
  if (!previous || previous.length <= page.length || !hasMore) return { items: page, replaced: true };
  const last = page.at(-1);
  const fresh = new Set(page.map((c) => c.id));
  const below = previous.filter((c) => !fresh.has(c.id) && last && byActivity(last, c) < 0);
  return { items: [...page, ...below], replaced: false };
}

/**
 * Some conversations refetched by id merged into the loaded list: each named one is replaced by
 * its fresh version, or removed when the answer lacks it (deleted, moved out of this scope). When
 * more pages exist, one that now sorts below the loaded ones is left out: it belongs to a page not
 * loaded yet, and "Load more" brings it.
 */
export function mergeRefetched(
  previous: ConversationItem[],
  ids: readonly string[],
  found: readonly ConversationItem[],
  hasMore: boolean,
): ConversationItem[] {
  const last = previous.at(-1);
  const named = new Set(ids);
  const kept = previous.filter((c) => !named.has(c.id));
  const added = found.filter((c) => !hasMore || !last || byActivity(c, last) <= 0);
  return [...kept, ...added].sort(byActivity);
}

/** A single page loaded with "Load more", appended without repeating what is already shown. */
export function appendPage(
  previous: ConversationItem[] | null,
  page: ConversationItem[],
): ConversationItem[] {
  const have = new Set((previous ?? []).map((c) => c.id));
  return [...(previous ?? []), ...page.filter((c) => !have.has(c.id))];
}

/** Words for a polite live region when mail arrives. */
export function updateAnnouncement(found: readonly ConversationItem[]): string | null {
  if (found.length === 0) return null;
  if (found.length === 1) return `Conversation updated: ${found[0]!.subject || "(no subject)"}`;
  return `${found.length} conversations updated`;
}

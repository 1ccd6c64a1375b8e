import { useEffect, useRef } from "react";

/**
 * The inbox's keyboard shortcuts, Gmail-style single keys. They never fire while the agent types
 * (inputs, text areas, editors, selects), with Ctrl/Alt/Meta held, or behind an open dialog.
 * r / a / f hand over to the composer with a `mailroom:compose` event (the compose code listens).
 */
export const SHORTCUTS: readonly { keys: string; does: string }[] = [
  { keys: "j", does: "Next conversation" },
  { keys: "k", does: "Previous conversation" },
  { keys: "Enter", does: "Open the conversation" },
  { keys: "e", does: "Archive (the open conversation, or the selection)" },
  { keys: "r", does: "Reply" },
  { keys: "a", does: "Reply all" },
  { keys: "f", does: "Forward" },
  { keys: "x", does: "Select or unselect the conversation" },
  { keys: "Esc", does: "Leave the search field; close the conversation, or clear the selection" },
  { keys: "?", does: "Show these shortcuts" },
];

export type ComposeKind = "reply" | "replyAll" | "forward";

export const COMPOSE_EVENT = "mailroom:compose";

export function dispatchCompose(kind: ComposeKind): void {
  window.dispatchEvent(new CustomEvent(COMPOSE_EVENT, { detail: { kind } }));
}

export interface InboxKeys {
  /** Move the list's focus by one (j = +1, k = -1). */
  move(step: 1 | -1): void;
  /** Enter on something that is not a link or button: open the focused conversation. */
  open(): void;
  archive(): void;
  toggleSelect(): void;
  escape(): void;
  help(): void;
  /** Whether a conversation is open (r / a / f need one). */
  hasOpen(): boolean;
}

/** Typing somewhere: the key belongs to that field. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset"].includes(type);
}

/** What a key does, or undefined when it's not ours (then the browser keeps it). */
export function shortcutFor(event: KeyboardEvent, keys: InboxKeys): (() => void) | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return undefined;
  // Esc leaves the search field with the search kept (as Gmail does), and j / k work again.
  const target = event.target;
  if (event.key === "Escape" && target instanceof HTMLInputElement && target.type === "search")
    return () => target.blur();
  if (isTyping(event.target) || document.querySelector("dialog[open]")) return undefined;
  switch (event.key) {
    case "j":
      return () => keys.move(1);
    case "k":
      return () => keys.move(-1);
    case "Enter":
      // Links and buttons handle Enter themselves.
      return event.target instanceof HTMLElement && event.target.closest("a, button") ? undefined : keys.open;
    case "e":
      return keys.archive;
    case "x":
      return keys.toggleSelect;
    case "Escape":
      return keys.escape;
    case "?":
      return keys.help;
    case "r":
    case "a":
    case "f": {
      if (!keys.hasOpen()) return undefined;
      const kind: ComposeKind = event.key === "r" ? "reply" : event.key === "a" ? "replyAll" : "forward";
      return () => dispatchCompose(kind);
    }
    default:
      return undefined;
  }
}

/** Listens on the document while mounted; `keys` may change every render. */
export function useInboxKeyboard(keys: InboxKeys): void {
  const current = useRef(keys);
  current.current = keys;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const run = shortcutFor(event, current.current);
      if (!run) return;
      event.preventDefault();
      run();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
}

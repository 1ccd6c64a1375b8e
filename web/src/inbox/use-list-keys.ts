import type { RefObject } from "react";
import type { Selection } from "./inbox-parts.tsx";
import { useInboxKeyboard } from "./keyboard.ts";

interface ListKeysOptions {
  /** The list's section: its `a.conversation-item` links are what j/k move between. */
  listRef: RefObject<HTMLElement | null>;
  /** The open conversation. */
  selected: string | null;
  selection: Selection;
  navigate(search: string): void;
  /** The list without an open conversation. */
  closeHref: string;
  archiveSelection(): void;
  archiveOne(id: string): void;
  help(): void;
}

/**
 * The inbox page's shortcuts (keyboard.ts) over the list as rendered: focus moves between the
 * conversation links (Enter then opens one, as any link), x checks the focused one, e archives
 * the selection or the open (else focused) conversation, Esc clears the selection or closes the
 * open conversation and puts focus back on it in the list.
 */
export function useListKeys(options: ListKeysOptions): void {
  const { listRef, selected, selection } = options;
  const links = () => [
    ...(listRef.current?.querySelectorAll<HTMLAnchorElement>("a.conversation-item") ?? []),
  ];
  const focusedLink = () => links().find((l) => l === document.activeElement);
  const idOf = (link: HTMLAnchorElement | undefined) =>
    link ? new URLSearchParams(link.search).get("c") : null;

  useInboxKeyboard({
    move(step) {
      const all = links();
      if (all.length === 0) return;
      let at = all.indexOf(focusedLink()!);
      if (at === -1) at = all.findIndex((l) => l.getAttribute("aria-current") === "true");
      const next =
        all[at === -1 ? (step === 1 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1)];
      next?.focus();
      next?.scrollIntoView({ block: "nearest" });
    },
    open() {
      const link = focusedLink() ?? links()[0];
      if (link) options.navigate(link.search);
    },
    archive() {
      if (selection.count !== 0) return options.archiveSelection();
      const id = selected ?? idOf(focusedLink());
      if (id) options.archiveOne(id);
    },
    toggleSelect() {
      const id = idOf(focusedLink()) ?? selected;
      if (id) selection.set(id, !selection.has(id));
    },
    escape() {
      if (selection.count !== 0) return selection.clear();
      if (!selected) return;
      options.navigate(options.closeHref);
      links()
        .find((l) => idOf(l) === selected)
        ?.focus();
    },
    help: options.help,
    hasOpen: () => selected !== null,
  });
}

// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import { COMPOSE_EVENT, type InboxKeys, shortcutFor } from "./keyboard.ts";

function keys(open = true): InboxKeys & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    move: (step) => calls.push(`move ${step}`),
    open: () => calls.push("open"),
    archive: () => calls.push("archive"),
    toggleSelect: () => calls.push("select"),
    escape: () => calls.push("escape"),
    help: () => calls.push("help"),
    hasOpen: () => open,
  };
}

function press(key: string, target: EventTarget = document.body, init: KeyboardEventInit = {}) {
  const event = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init });
  Object.defineProperty(event, "target", { value: target });
  return event;
}

afterEach(() => {
  document.body.innerHTML = "";
});

describe("inbox shortcuts", () => {
  it("maps j/k/Enter/e/x/Esc/? to the list's actions", () => {
    const k = keys();
    for (const key of ["j", "k", "Enter", "e", "x", "Escape", "?"]) shortcutFor(press(key), k)?.();
    expect(k.calls).toEqual(["move 1", "move -1", "open", "archive", "select", "escape", "help"]);
  });

  it("hands r / a / f to the composer as mailroom:compose, only with a conversation open", () => {
    const kinds: string[] = [];
    const listener = vi.fn((e: Event) => kinds.push((e as CustomEvent<{ kind: string }>).detail.kind));
    window.addEventListener(COMPOSE_EVENT, listener);
    for (const key of ["r", "a", "f"]) shortcutFor(press(key), keys())?.();
    expect(kinds).toEqual(["reply", "replyAll", "forward"]);
    expect(shortcutFor(press("r"), keys(false))).toBeUndefined();
    window.removeEventListener(COMPOSE_EVENT, listener);
  });

  it("leaves keys alone while typing, with modifiers, on links (Enter) and behind a dialog", () => {
    const k = keys();
    const input = document.createElement("input");
    const textarea = document.createElement("textarea");
    const editor = document.createElement("div");
    editor.contentEditable = "true";
    document.body.append(input, textarea, editor);
    for (const target of [input, textarea, editor])
      expect(shortcutFor(press("e", target), k)).toBeUndefined();
    expect(shortcutFor(press("j", document.body, { ctrlKey: true }), k)).toBeUndefined();
    const checkbox = document.createElement("input");
    checkbox.type = "checkbox";
    expect(shortcutFor(press("j", checkbox), k)).toBeDefined();
    const link = document.createElement("a");
    link.href = "/inbox?c=1";
    document.body.append(link);
    expect(shortcutFor(press("Enter", link), k)).toBeUndefined();
    const dialog = document.createElement("dialog");
    dialog.setAttribute("open", "");
    document.body.append(dialog);
    expect(shortcutFor(press("e"), k)).toBeUndefined();
    expect(k.calls).toEqual([]);
  });

  it("leaves the search field on Esc, keeping what was typed, so j / k work again", () => {
    const k = keys();
    const search = document.createElement("input");
    search.type = "search";
    search.value = "invoice";
    document.body.append(search);
    search.focus();
    expect(shortcutFor(press("j", search), k)).toBeUndefined();
    shortcutFor(press("Escape", search), k)?.();
    expect(document.activeElement).not.toBe(search);
    expect(search.value).toBe("invoice");
    expect(k.calls).toEqual([]);
  });
});

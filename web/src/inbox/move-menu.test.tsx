// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BulkBar } from "./bulk-bar.tsx";
import type { ConversationItem } from "./inbox-api.ts";
import { type Selection, selectionChannel } from "./inbox-parts.tsx";
import { MoveMenu } from "./move-menu.tsx";

let answer: () => Response;
const asked: string[] = [];

beforeEach(() => {
  asked.length = 0;
  vi.stubGlobal("fetch", async (url: string) => {
    asked.push(url);
    return answer();
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function open(channelId: string | undefined, onMove = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MoveMenu channelId={channelId} onMove={onMove} />
    </QueryClientProvider>,
  );
  return onMove;
}

const options = () =>
  [...(screen.getByLabelText("Move to folder") as HTMLSelectElement).options].map((o) => o.textContent);

describe("Move to… for one conversation", () => {
  it("offers the mailbox's own folders by path, read from Outlook, and moves to the one chosen", async () => {
    answer = () =>
      Response.json({
        folders: [
          { id: "f1", name: "Archive", path: "Archive" },
          { id: "f2", name: "Inbox", path: "Inbox" },
          { id: "f3", name: "Vendors", path: "Inbox / Vendors" },
        ],
      });
    const onMove = open("c1");
    await waitFor(() => expect(options()).toEqual(["Move to…", "Archive", "Inbox", "Inbox / Vendors"]));
    expect(asked).toEqual(["/api/channels/c1/folders"]);
    fireEvent.change(screen.getByLabelText("Move to folder"), { target: { value: "f3" } });
    expect(onMove).toHaveBeenCalledWith("f3");
  });

  it("offers the folders every mailbox has when Outlook can't be asked, and says so", async () => {
    answer = () =>
      Response.json(
        { type: "about:blank", title: "This mailbox needs to be reconnected", status: 409, code: "conflict" },
        { status: 409, headers: { "content-type": "application/problem+json" } },
      );
    open("c1");
    await screen.findByText(/Only the standard folders for now: This mailbox needs to be reconnected/);
    expect(options()).toEqual(["Move to…", "Deleted Items", "Junk Email", "Inbox"]);
  });

  it("asks nothing before the conversation's mailbox is known", () => {
    open(undefined);
    expect(options()).toEqual(["Move to…", "Deleted Items", "Junk Email", "Inbox"]);
    expect(asked).toEqual([]);
  });
});

describe("Move to… for a selection", () => {
  const selected = (ids: string[], allMatching = false) =>
    ({ allMatching, has: (id: string) => ids.includes(id) }) as unknown as Selection;
  const item = (id: string, channelId: string) => ({ id, channel: { id: channelId } }) as ConversationItem;
  const items = [item("a", "c1"), item("b", "c1"), item("c", "c2")];

  it("knows the one mailbox a selection is in, and that there is none when it spans two", () => {
    expect(selectionChannel(selected(["a", "b"]), items, [])).toBe("c1");
    expect(selectionChannel(selected(["a", "c"]), items, [])).toBeUndefined();
    expect(selectionChannel(selected([], true), items, [{ id: "c2" }])).toBe("c2");
    expect(selectionChannel(selected([], true), items, [{ id: "c1" }, { id: "c2" }])).toBeUndefined();
  });

  function bar(channelId: string | undefined, busy = false) {
    const onAction = vi.fn();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <BulkBar
          count={3}
          channelId={channelId}
          canSelectAll={false}
          onSelectAll={vi.fn()}
          onClear={vi.fn()}
          onAction={onAction}
          busy={busy}
        />
      </QueryClientProvider>,
    );
    return onAction;
  }

  it("offers the mailbox's own folders to a selection in one mailbox, and moves them all there", async () => {
    answer = () => Response.json({ folders: [{ id: "f3", name: "Vendors", path: "Inbox / Vendors" }] });
    const onAction = bar("c1");
    await waitFor(() => expect(options()).toEqual(["Move to…", "Inbox / Vendors"]));
    expect(asked).toEqual(["/api/channels/c1/folders"]);
    fireEvent.change(screen.getByLabelText("Move to folder"), { target: { value: "f3" } });
    expect(onAction).toHaveBeenCalledWith({ type: "move", folderId: "f3" });
  });

  it("offers only the folders every mailbox has across mailboxes, and nothing while an action runs", () => {
    bar(undefined, true);
    expect(options()).toEqual(["Move to…", "Deleted Items", "Junk Email", "Inbox"]);
    expect(asked).toEqual([]);
    expect((screen.getByLabelText("Move to folder") as HTMLSelectElement).disabled).toBe(true);
  });
});

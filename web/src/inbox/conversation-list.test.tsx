// @vitest-environment happy-dom
import { cleanup, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationList } from "./conversation-list.tsx";
import type { ChannelImport, ConversationItem } from "./inbox-api.ts";

const item = (id: string, subject: string, channelId: string): ConversationItem => ({
  id,
  subject,
  snippet: "",
  lastMessageAt: "2026-12-01T10:00:00Z",
  messageCount: 1,
  unreadCount: 0,
  status: "open",
  channel: { id: channelId, email: `${channelId}@contoso.com`, name: channelId },
  participants: [{ name: "Dana Customer", address: "dana@example.net" }],
  hasAttachments: false,
});
const channel = (id: string, status: string): ChannelImport => ({
  id,
  email: `${id}@contoso.com`,
  name: id,
  status,
  importing: false,
});

function renderList(channels?: ChannelImport[]) {
  render(
    <MemoryRouter>
      <ConversationList
        items={[item("c1", "Broken lamp", "support"), item("c2", "Invoice", "sales")]}
        selectedId={null}
        isChecked={() => false}
        onCheck={() => {}}
        hrefFor={(id) => `?c=${id}`}
        channels={channels}
      />
    </MemoryRouter>,
  );
}

const row = (subject: string) => screen.getByRole("link", { name: new RegExp(subject) });

afterEach(cleanup);

describe("ConversationList", () => {
  it("marks the conversations of a channel that needs reconnecting as not syncing", () => {
    renderList([channel("support", "needs_reauth"), channel("sales", "active")]);
    expect(within(row("Broken lamp")).getByText("Not syncing")).toBeTruthy();
    expect(row("Broken lamp").textContent).toContain("Not syncing");
    expect(within(row("Invoice")).queryByText("Not syncing")).toBeNull();
  });

  it("marks nothing while every channel syncs, or before the channels are known", () => {
    renderList([channel("support", "active"), channel("sales", "active")]);
    expect(screen.queryByText("Not syncing")).toBeNull();
    cleanup();
    renderList();
    expect(screen.queryByText("Not syncing")).toBeNull();
    expect(screen.getAllByRole("link")).toHaveLength(2);
  });
});

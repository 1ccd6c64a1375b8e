// @vitest-environment happy-dom
import type { ChannelDetail, Inbox } from "@mailroom/contract";
import { cleanup, configure, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { stopLiveEvents } from "../live/live-events.ts";
import { ChannelInboxes } from "./channel-inboxes.tsx";

/** The channel page's Shared inboxes card: linking and unlinking against a stubbed server. */

configure({ asyncUtilTimeout: 10_000 });

const inbox = (id: string, name: string): Inbox => ({
  id,
  name,
  description: "",
  color: "blue",
  visibility: "org",
  isDefault: false,
  channels: [],
  members: [],
});
const support = inbox("i1", "Support");
const billing = inbox("i2", "Billing");
const vip = inbox("i3", "VIP");

const channel: ChannelDetail = {
  id: "ch1",
  provider: "outlook",
  email: "help@contoso.com",
  displayName: "Contoso",
  mailboxName: null,
  status: "connected",
  statusReason: null,
  statusChangedAt: "2026-12-01T09:00:00.000Z",
  credentialSource: "platform",
  clientId: "app",
  connectedAt: null,
  inboxes: [{ id: support.id, name: support.name, color: support.color }],
  signature: "",
  autoBcc: null,
  undoSendSeconds: 0,
  aliases: [],
  aliasesRefreshedAt: null,
  connectedBy: null,
};

let changes: string[] = [];
let failChanges = false;

beforeEach(() => {
  changes = [];
  failChanges = false;
  vi.stubGlobal(
    "EventSource",
    class {
      static readonly CLOSED = 2;
      addEventListener() {}
      close() {}
    },
  );
  vi.spyOn(document, "cookie", "get").mockReturnValue("mailroom_csrf=t");
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    if (url === "/api/inboxes") return Response.json({ inboxes: [support, billing, vip] });
    changes.push(`${init.method} ${url}`);
    if (failChanges)
      return Response.json({ code: "not_found", title: "That inbox is gone" }, { status: 404 });
    return new Response(null, { status: 204 });
  });
});

afterEach(() => {
  cleanup();
  stopLiveEvents();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

function renderCard(admin: boolean) {
  const onChanged = vi.fn(async () => {});
  render(
    <MemoryRouter>
      <ChannelInboxes channel={channel} admin={admin} onChanged={onChanged} />
    </MemoryRouter>,
  );
  return onChanged;
}

describe("ChannelInboxes", () => {
  it("lets an admin link one of the inboxes the channel doesn't feed yet, then picks the first again", async () => {
    const onChanged = renderCard(true);
    const select = (await screen.findByLabelText("Also deliver to")) as HTMLSelectElement;
    expect([...select.options].map((o) => o.text)).toEqual(["Billing", "VIP"]);
    fireEvent.change(select, { target: { value: "i3" } });
    expect(select.value).toBe("i3");
    fireEvent.click(screen.getByRole("button", { name: "Link inbox" }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(changes).toEqual(["PUT /api/inboxes/i3/channels/ch1"]);
    expect(select.value).toBe("i2");
  });

  it("unlinks an inbox for an admin, and shows why when it fails", async () => {
    const onChanged = renderCard(true);
    fireEvent.click(screen.getByRole("button", { name: "Unlink Support" }));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    expect(changes).toEqual(["DELETE /api/inboxes/i1/channels/ch1"]);
    failChanges = true;
    fireEvent.click(screen.getByRole("button", { name: "Unlink Support" }));
    await screen.findByText("That inbox is gone");
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("shows a member the linked inboxes without Unlink or the link form", async () => {
    renderCard(false);
    expect(screen.getByText("Support")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Unlink Support" })).toBeNull();
    expect(screen.queryByLabelText("Also deliver to")).toBeNull();
  });
});

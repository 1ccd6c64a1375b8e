// @vitest-environment happy-dom

import type { ConversationDetail } from "@mailroom/contract";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveEvent } from "../live/live-events.ts";
import { ConversationPane } from "./conversation-pane.tsx";

// The reply bar has its own tests (compose/reply-bar.test.tsx) and needs a signed-in session: here
// it is only its region, for what sits beside it.
vi.mock("../compose/reply-bar.tsx", () => ({ ReplyBar: () => <section aria-label="Reply" /> }));

let live: ((event: LiveEvent) => void) | undefined;
vi.mock("../live/use-live-events.ts", () => ({
  useLiveEvents: (handler: (event: LiveEvent) => void) => {
    live = handler;
  },
}));

const person = (name: string, address: string) => ({ name, address });
const message = (id: string, from: string, direction = "inbound") => ({
  id,
  direction,
  from: person(from, `${from.toLowerCase()}@example.net`),
  to: [person("Support", "support@contoso.com")],
  cc: [],
  date: "2026-12-01T10:00:00Z",
  subject: "Broken lamp",
  isRead: true,
  text: "",
  hasAttachments: false,
  attachments: [],
});
const conversation = (messages: ReturnType<typeof message>[]) => ({
  conversation: {
    id: "c1",
    subject: "Broken lamp",
    lastMessageAt: "2026-12-01T10:00:00Z",
    messageCount: messages.length,
    unreadCount: 0,
    status: "open",
    channel: { id: "ch1", email: "support@contoso.com", name: "Support" },
    messages,
  } satisfies ConversationDetail,
});
const summary = {
  summary: {
    remoteImages: 0,
    remoteImagesAllowed: null,
    hasQuoted: false,
    inlineImagesOmitted: 0,
    empty: false,
    heightHint: 120,
    fullHeightHint: 120,
  },
};

let answers: Record<string, () => Response>;
let conversationCalls = 0;
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": status >= 400 ? "application/problem+json" : "application/json" },
  });

beforeEach(() => {
  conversationCalls = 0;
  answers = {};
  vi.stubGlobal("fetch", async (url: string) => {
    if (url === "/api/conversations/c1") conversationCalls++;
    if (url.endsWith("/body/summary")) return json(200, summary);
    return (answers[url] ?? (() => json(500, { title: "Unexpected" })))();
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function show() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <ConversationPane id="c1" backHref="/inbox" focusOnOpen={false} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("ConversationPane", () => {
  it("shows the messages oldest first, each in its frame, and refetches on a live event naming it", async () => {
    answers["/api/conversations/c1"] = () =>
      json(200, conversation([message("m1", "Dana"), message("m2", "Support", "outbound")]));
    show();
    await screen.findByTitle("Message from Dana");
    const frames = await screen.findAllByTitle(/^Message from /);
    expect(frames.map((f) => f.getAttribute("title"))).toEqual(["Message from Dana", "Message from Support"]);
    expect(screen.getByText("2 messages", { exact: false })).toBeTruthy();

    live?.({ type: "conversations.updated", data: { channelId: "ch1", conversationIds: ["other"] } });
    live?.({ type: "conversations.updated", data: { channelId: "ch1", conversationIds: ["c1"] } });
    await waitFor(() => expect(conversationCalls).toBe(2));
  });

  it("names a sender or recipient once when Graph's name is the address itself", async () => {
    const plain = {
      ...message("m1", "Dana"),
      from: person("dana@fabrikam.com", "dana@fabrikam.com"),
      to: [person("help@contoso.com", "help@contoso.com"), person("Support", "support@contoso.com")],
    };
    answers["/api/conversations/c1"] = () => json(200, conversation([plain]));
    show();
    const header = (await screen.findByText("To:", { exact: false })).closest("header")!;
    expect(within(header as HTMLElement).getByText(/^To:/).textContent).toBe(
      "To: help@contoso.com, Support <support@contoso.com>",
    );
    expect(header.textContent).not.toContain("<dana@fabrikam.com>");
    expect(within(header as HTMLElement).getByText("dana@fabrikam.com")).toBeTruthy();
  });

  it("says when the conversation is gone", async () => {
    answers["/api/conversations/c1"] = () => json(404, { title: "Conversation not found", status: 404 });
    show();
    expect(await screen.findByText("This conversation is no longer in your inboxes.")).toBeTruthy();
  });

  it("shows an error with a way to try again", async () => {
    answers["/api/conversations/c1"] = () => json(503, { title: "Service unavailable", status: 503 });
    show();
    const retry = await screen.findByRole("button", { name: "Try again" });
    answers["/api/conversations/c1"] = () => json(200, conversation([message("m1", "Dana")]));
    fireEvent.click(retry);
    expect(await screen.findByTitle("Message from Dana")).toBeTruthy();
  });

  it("keeps the thread and the reply when a refresh fails, and says so just above the reply, sticky", async () => {
    answers["/api/conversations/c1"] = () => json(200, conversation([message("m1", "Dana")]));
    show();
    await screen.findByTitle("Message from Dana");
    answers["/api/conversations/c1"] = () => json(503, { title: "Service unavailable", status: 503 });
    live?.({ type: "conversations.updated", data: { channelId: "ch1", conversationIds: ["c1"] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toMatch(/This conversation could not be refreshed: Service unavailable/);
    expect(screen.getByTitle("Message from Dana")).toBeTruthy();
    // After the thread, right before the reply region, where an agent writing a reply sees it; its
    // class makes it sticky (conversation.css).
    expect(alert.nextElementSibling).toBe(screen.getByRole("region", { name: "Reply" }));
    const thread = screen.getByRole("list", { name: "Messages" });
    expect(thread.compareDocumentPosition(alert) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(alert.classList).toContain("conversation__refresh-error");

    answers["/api/conversations/c1"] = () => json(200, conversation([message("m1", "Dana")]));
    fireEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(screen.getByTitle("Message from Dana")).toBeTruthy();
  });

  it("says when no message is left", async () => {
    answers["/api/conversations/c1"] = () => json(200, conversation([]));
    show();
    expect(await screen.findByText(/This conversation has no messages left/)).toBeTruthy();
  });
});

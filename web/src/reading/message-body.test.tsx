// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MessageBody } from "./message-body.tsx";

const summary = {
  remoteImages: 2,
  remoteImagesAllowed: null,
  hasQuoted: true,
  inlineImagesOmitted: 0,
  empty: false,
  heightHint: 900,
  fullHeightHint: 1400,
};

let requests: { url: string; method: string; body?: string }[] = [];

let allowedNow: string | null = null;

beforeEach(() => {
  requests = [];
  allowedNow = null;
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    requests.push({ url, method: init.method ?? "GET", body: init.body as string | undefined });
    // The server's allowance, as the requests so far left it.
    if (init.method === "POST") allowedNow = JSON.parse(init.body as string).scope;
    if (init.method === "DELETE") allowedNow = null;
    return new Response(JSON.stringify({ summary: { ...summary, remoteImagesAllowed: allowedNow } }), {
      headers: { "content-type": "application/json" },
    });
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
      <MessageBody conversationId="c1" messageId="m1" from="Dana" />
    </QueryClientProvider>,
  );
}

const frame = () => screen.getByTitle("Message from Dana") as HTMLIFrameElement;

describe("MessageBody", () => {
  it("shows the body in a frame that can't run scripts or share the app's origin", async () => {
    show();
    await screen.findByTitle("Message from Dana");
    expect(frame().getAttribute("sandbox")).toBe("allow-popups allow-popups-to-escape-sandbox");
    expect(frame().getAttribute("src")).toBe("/api/conversations/c1/messages/m1/body");
    // Taller than the collapsed maximum: it scrolls inside until expanded.
    expect(frame().style.height).toBe("560px");
    const whole = screen.getByRole("link", { name: "Open in a new tab" });
    expect(whole.getAttribute("href")).toBe("/api/conversations/c1/messages/m1/body");
    expect(whole.getAttribute("target")).toBe("_blank");
    fireEvent.click(screen.getByRole("button", { name: "Expand message" }));
    expect(frame().style.height).toBe(`${Math.round(900 * 1.3) + 120}px`);
  });

  it("asks for the quoted history when shown", async () => {
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Show quoted text" }));
    expect(frame().getAttribute("src")).toBe("/api/conversations/c1/messages/m1/body?quoted=1");
  });

  it("says how many remote images are blocked and reloads the frame once they are allowed", async () => {
    show();
    expect(await screen.findByText("2 remote images are blocked to protect your privacy.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Show images" }));
    await waitFor(() =>
      expect(frame().getAttribute("src")).toBe("/api/conversations/c1/messages/m1/body?v=images"),
    );
    expect(screen.queryByRole("button", { name: "Show images" })).toBeNull();
    const post = requests.find((r) => r.method === "POST")!;
    expect(post.url).toBe("/api/conversations/c1/messages/m1/remote-images");
    expect(JSON.parse(post.body!)).toEqual({ scope: "message" });
  });

  it("says the sender's images are shown, and blocks them again on request", async () => {
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Always show from this sender" }));
    await screen.findByText(/Remote images from this sender are shown\./);
    fireEvent.click(screen.getByRole("button", { name: "Stop showing them from this sender" }));
    await waitFor(() => expect(frame().getAttribute("src")).toBe("/api/conversations/c1/messages/m1/body"));
    expect(await screen.findByText("2 remote images are blocked to protect your privacy.")).toBeTruthy();
    const block = requests.find((r) => r.method === "DELETE")!;
    expect(block.url).toBe("/api/conversations/c1/messages/m1/remote-images");
  });
});

// @vitest-environment happy-dom
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AttentionView } from "./attention-api.ts";
import { AttentionBanner } from "./attention-banner.tsx";

/** The live stream is not under test here: an EventSource that never speaks. */
class SilentEventSource {
  static CLOSED = 2;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  addEventListener() {}
  close() {}
}

const channel = {
  id: "c1",
  email: "support@contoso.com",
  displayName: "Support",
  status: "needs_reauth",
  reason: "consent_required",
  since: "2026-12-06T09:00:00.000Z",
  credentialSource: "platform" as const,
};

let view: AttentionView;

beforeEach(() => {
  sessionStorage.clear();
  vi.stubGlobal("EventSource", SilentEventSource);
  vi.stubGlobal(
    "fetch",
    vi.fn(
      async () =>
        new Response(JSON.stringify(view), { status: 200, headers: { "content-type": "application/json" } }),
    ),
  );
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
        <AttentionBanner />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("AttentionBanner", () => {
  it("offers owners and admins Reconnect, with the reason in plain words", async () => {
    view = { channels: [channel], admins: [], canReconnect: true, secret: null };
    show();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(
      "support@contoso.com isn't syncing: Mailroom's access to the mailbox was removed.",
    );
    expect(screen.getByRole("button", { name: "Reconnect" })).toBeTruthy();
  });

  it("tells members which admins to ask, without Reconnect", async () => {
    view = {
      channels: [channel],
      admins: [
        { name: "Olga Owner", email: "olga@acme.test" },
        { name: "Ari Admin", email: "ari@acme.test" },
      ],
      canReconnect: false,
      secret: null,
    };
    show();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(
      "Ask Olga Owner (olga@acme.test) or Ari Admin (ari@acme.test) to reconnect it.",
    );
    expect(screen.queryByRole("button", { name: "Reconnect" })).toBeNull();
  });

  it("asks admins to update an expired secret first, linking to the credentials page", async () => {
    view = {
      channels: [{ ...channel, reason: "client_secret_expired" }],
      admins: [],
      canReconnect: true,
      secret: null,
    };
    show();
    const link = await screen.findByRole("link", { name: "Update the client secret" });
    expect(link.getAttribute("href")).toBe("/settings/channels/credentials");
    expect(screen.queryByRole("button", { name: "Reconnect" })).toBeNull();
  });

  it("hides for the session, and comes back when the channel breaks again", async () => {
    view = { channels: [channel], admins: [], canReconnect: true, secret: null };
    const first = show();
    fireEvent.click(await screen.findByRole("button", { name: /Hide/ }));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    first.unmount();
    show();
    await waitFor(() => expect(vi.mocked(fetch)).toHaveBeenCalledTimes(2));
    expect(screen.queryByRole("alert")).toBeNull();
    cleanup();
    view = {
      channels: [{ ...channel, since: "2026-12-07T09:00:00.000Z" }],
      admins: [],
      canReconnect: true,
      secret: null,
    };
    show();
    expect(await screen.findByRole("alert")).toBeTruthy();
  });
});

// @vitest-environment happy-dom
import type { ComposeContext, OutboxItem } from "@mailroom/contract";
import { QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SessionProvider, useSession } from "../accounts/session.tsx";
import { createQueryClient } from "../query-client.ts";
import { outboxItem } from "./outbox-fixture.ts";
import { COMPOSE_EVENT, ReplyBar } from "./reply-bar.tsx";

const context: ComposeContext = {
  channelId: "c1",
  fromChoices: [{ address: "support@contoso.com", isPrimary: true }],
  otherAddresses: [],
  defaultFrom: "support@contoso.com",
  signatureHtml: "",
  autoBcc: null,
  undoSendSeconds: 10,
  defaults: {
    messageId: "m1",
    lastSeenMessageId: "m1",
    subject: "Order #1",
    reply: { to: [{ name: "Dana", address: "dana@fabrikam.com" }], cc: [] },
    replyAll: { to: [{ name: "Dana", address: "dana@fabrikam.com" }], cc: [] },
  },
};

const failed = outboxItem({
  state: "failed",
  createdBy: { id: "u1", name: "Rita" },
  error: {
    code: "ErrorSendAsDenied",
    message:
      "Microsoft refused to send as help@contoso.com: ask your Microsoft 365 admin to grant Send As for it.",
  },
});

const me = {
  user: { id: "u1", name: "Rita", email: "rita@acme.test" },
  org: { id: "org1", name: "Acme", slug: "acme", role: "owner", onboardingCompleted: true },
  orgs: [],
};

let calls: { method: string; url: string }[] = [];
let outbox: OutboxItem[] = [];

beforeEach(() => {
  calls = [];
  outbox = [failed];
  document.cookie = "mailroom_csrf=t1";
  vi.stubGlobal(
    "EventSource",
    class {
      addEventListener() {}
      close() {}
    },
  );
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? "GET";
    calls.push({ method, url });
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
    if (url === "/api/me") return json(me);
    if (url.endsWith("/compose")) return json(context);
    if (url.endsWith("/outbox")) return json({ outbox });
    if (url.endsWith("/retry")) {
      outbox = [];
      return json({ outbox: { ...failed, state: "attachments_uploaded", error: null } });
    }
    if (url.endsWith("/presence")) return new Response(null, { status: 204 });
    return json({}, 404);
  });
});

afterEach(async () => {
  cleanup();
  // Unmounting says "left" (presence): let that call reach the stub before it goes.
  await new Promise((resolve) => setTimeout(resolve, 20));
  vi.unstubAllGlobals();
});

/** The bar lives behind sign-in: shown once the session is read, as the app's routes do. */
function SignedIn() {
  return useSession().me ? <ReplyBar conversationId="k1" /> : null;
}

function renderBar() {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <SessionProvider>
        <SignedIn />
      </SessionProvider>
    </QueryClientProvider>,
  );
}

describe("the reply bar", () => {
  it("shows a failed message in words with Retry, and retries it", async () => {
    renderBar();
    await screen.findByText(/Microsoft refused to send as help@contoso.com/);
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === "POST" && c.url === "/api/outbox/o1/retry")).toBe(true),
    );
    await waitFor(() => expect(screen.queryByText(/Microsoft refused/)).toBeNull());
  });

  it("opens the composer on the keyboard's r / a / f, and says it is replying", async () => {
    renderBar();
    await waitFor(() =>
      expect((screen.getByRole("button", { name: "Reply all" }) as HTMLButtonElement).disabled).toBe(false),
    );
    act(() => {
      window.dispatchEvent(new CustomEvent(COMPOSE_EVENT, { detail: { kind: "replyAll" } }));
    });
    await screen.findByRole("form", { name: "Reply all" });
    await waitFor(() =>
      expect(calls.filter((c) => c.url.endsWith("/presence")).length).toBeGreaterThanOrEqual(2),
    );
  });
});

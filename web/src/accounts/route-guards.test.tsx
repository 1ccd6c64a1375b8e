// @vitest-environment happy-dom
import { routes } from "@mailroom/contract";
import { act, cleanup, configure, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { callApi } from "../api.ts";
import type { Me } from "./accounts-api.ts";
import { ME } from "./me-fixture.ts";
import { GuestOnly, HomeRedirect, RequireAuth, RequireReadyOrg, SessionGate } from "./route-guards.tsx";
import { SessionProvider } from "./session.tsx";

/** The route guards of app.tsx, in the same tree, with pages that say where they are. */

// A busy machine can take more than the default second to render and answer.
configure({ asyncUtilTimeout: 10_000 });

function Where({ page }: { page: string }) {
  const location = useLocation();
  return (
    <p>
      {page} at {location.pathname + location.search}
    </p>
  );
}

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <SessionGate>
          <Routes>
            <Route path="/" element={<HomeRedirect />} />
            <Route element={<GuestOnly />}>
              <Route path="/login" element={<Where page="login" />} />
            </Route>
            <Route element={<RequireAuth />}>
              <Route path="/onboarding" element={<Where page="onboarding" />} />
              <Route element={<RequireReadyOrg />}>
                <Route path="/inbox" element={<Where page="inbox" />} />
                <Route path="/settings/members" element={<Where page="members" />} />
              </Route>
            </Route>
          </Routes>
        </SessionGate>
      </SessionProvider>
    </MemoryRouter>,
  );
}

const { ready, settingUp: onboarding, noOrg } = ME;

/** What `/api/me` answers next: a user, 401 (logged out), a status, or unreachable. */
let meAnswers: (Me | 401 | 500 | "offline")[] = [];

const problem = (status: number, code: string) =>
  new Response(
    JSON.stringify({ code, title: code === "unauthenticated" ? "Please log in" : "Server error" }),
    {
      status,
      headers: { "content-type": "application/problem+json" },
    },
  );

beforeEach(() => {
  meAnswers = [];
  vi.stubGlobal("fetch", async (url: string) => {
    if (url !== "/api/me") return problem(401, "unauthenticated");
    const next = meAnswers.length > 1 ? meAnswers.shift() : meAnswers[0];
    if (next === undefined || next === "offline") throw new TypeError("Failed to fetch");
    if (next === 401) return problem(401, "unauthenticated");
    if (next === 500) return problem(500, "internal");
    return Response.json(next);
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("route guards", () => {
  it("sends a logged-out visitor to log in, carrying where they were going", async () => {
    meAnswers = [401];
    renderAt("/settings/members?tab=invites");
    expect(
      await screen.findByText(`login at /login?next=${encodeURIComponent("/settings/members?tab=invites")}`),
    );
  });

  it("sends the home page to log in, to onboarding, or to the inbox depending on the session", async () => {
    meAnswers = [401];
    renderAt("/");
    await screen.findByText("login at /login");
    cleanup();
    meAnswers = [noOrg];
    renderAt("/");
    await screen.findByText("onboarding at /onboarding");
    cleanup();
    meAnswers = [ready];
    renderAt("/");
    await screen.findByText("inbox at /inbox");
  });

  it("keeps the app behind a finished onboarding", async () => {
    meAnswers = [onboarding];
    renderAt("/settings/members");
    await screen.findByText("onboarding at /onboarding");
  });

  it("lets a member of a ready org see the page they asked for", async () => {
    meAnswers = [ready];
    renderAt("/settings/members");
    await screen.findByText("members at /settings/members");
  });

  it("sends a signed-in user away from the login page to a safe `next`, never to another site", async () => {
    meAnswers = [ready];
    renderAt(`/login?next=${encodeURIComponent("/settings/members")}`);
    await screen.findByText("members at /settings/members");
    cleanup();
    renderAt(`/login?next=${encodeURIComponent("//evil.example/phish")}`);
    await screen.findByText("inbox at /inbox");
  });

  it("shows the login page to a logged-out visitor", async () => {
    meAnswers = [401];
    renderAt("/login");
    await screen.findByText("login at /login");
  });

  it("says Mailroom isn't responding when the session can't be read, and tries again on request", async () => {
    meAnswers = ["offline", ready];
    renderAt("/inbox");
    expect(screen.getByText("Loading Mailroom…")).toBeTruthy();
    await screen.findByText("Mailroom isn't responding");
    expect(screen.getByRole("alert").textContent).toBe(
      "Can't reach Mailroom. Check your connection and try again.",
    );
    fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    await screen.findByText("inbox at /inbox");
  });

  it("shows a server error's title when /api/me fails with one", async () => {
    meAnswers = [500];
    renderAt("/inbox");
    await screen.findByText("Mailroom isn't responding");
    expect(screen.getByRole("alert").textContent).toBe("Server error");
  });

  it("sends the user to log in when the session ends behind their back (a 401 from any API call)", async () => {
    meAnswers = [ready, 401];
    renderAt("/settings/members");
    await screen.findByText("members at /settings/members");
    // Any API call now answers 401 (the stub's default): the session is re-read and found gone.
    await act(() => callApi(routes.listInboxes).catch(() => undefined));
    await screen.findByText(`login at /login?next=${encodeURIComponent("/settings/members")}`);
  });
});

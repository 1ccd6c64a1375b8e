// @vitest-environment happy-dom
import type { ChannelSummary } from "@mailroom/contract";
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, configure, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ME } from "../accounts/me-fixture.ts";
import { SessionGate } from "../accounts/route-guards.tsx";
import { SessionProvider } from "../accounts/session.tsx";
import { createQueryClient } from "../query-client.ts";
import { landingStep, OnboardingLayout } from "./onboarding-layout.tsx";

// A busy machine can take more than the default second to render and answer.
configure({ asyncUtilTimeout: 10_000 });

function Where() {
  const location = useLocation();
  return <p>step at {location.pathname + location.search}</p>;
}

function renderAt(path: string) {
  return render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <SessionProvider>
          <SessionGate>
            <Routes>
              <Route path="/onboarding" element={<OnboardingLayout />}>
                <Route index element={null} />
                <Route path="organization" element={<Where />} />
                <Route path="team" element={<Where />} />
                <Route path="connect" element={<Where />} />
              </Route>
            </Routes>
          </SessionGate>
        </SessionProvider>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const channel: ChannelSummary = {
  id: "c1",
  provider: "outlook",
  email: "support@contoso.com",
  displayName: "Contoso Support",
  mailboxName: null,
  status: "connected",
  statusReason: null,
  statusChangedAt: "2026-12-07T09:00:00.000Z",
  credentialSource: "platform",
  clientId: "5d3e7b1a-9c2f-4e8d-b6a4-0f1e2d3c4b5a",
  connectedAt: "2026-12-07T09:00:00.000Z",
  inboxes: [],
};

let channels: ChannelSummary[] = [];

beforeEach(() => {
  channels = [];
  vi.stubGlobal("fetch", async (url: string) => {
    if (url === "/api/me") return Response.json(ME.settingUp);
    if (url === "/api/channels") return Response.json({ channels });
    return Response.json({ code: "not_found", title: "Not found" }, { status: 404 });
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("where /onboarding lands", () => {
  it("on invitations while no mailbox is connected", async () => {
    renderAt("/onboarding");
    await screen.findByText("step at /onboarding/team");
  });

  it("on the connected mailbox's tick once Outlook is connected, not back on invitations", async () => {
    channels = [channel];
    renderAt("/onboarding");
    await screen.findByText("step at /onboarding/connect");
    // The stepper ticks all three steps.
    expect(screen.getByRole("listitem", { current: "step" }).classList.contains("stepper__step--done")).toBe(
      true,
    );
  });

  it("on the step the OAuth callback names, keeping its other parameters", () => {
    expect(landingStep("?step=connect&connected=c1", true, false)).toBe("/onboarding/connect?connected=c1");
    expect(landingStep("?step=connect", false, false)).toBe("/onboarding/organization");
    expect(landingStep("", true, true)).toBe("/onboarding/connect");
    expect(landingStep("", true, false)).toBe("/onboarding/team");
  });
});

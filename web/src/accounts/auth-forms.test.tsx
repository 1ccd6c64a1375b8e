// @vitest-environment happy-dom
import { cleanup, configure, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoginPage } from "./login-page.tsx";
import { SessionProvider } from "./session.tsx";
import { SignupPage } from "./signup-page.tsx";

/** The log-in and sign-up forms (their shared parts in auth-form.tsx) against a stubbed server. */

configure({ asyncUtilTimeout: 10_000 });

function Where() {
  const location = useLocation();
  return <p>now at {location.pathname}</p>;
}

function renderAt(path: string) {
  render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="/signup" element={<SignupPage />} />
          <Route path="*" element={<Where />} />
        </Routes>
      </SessionProvider>
    </MemoryRouter>,
  );
}

/** What the auth endpoint answers next; `/api/me` answers 401 (logged out) throughout. */
let authAnswer: () => Response;
let posted: { url: string; body: unknown }[] = [];

const problem = (status: number, body: object) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json" } });

beforeEach(() => {
  posted = [];
  vi.spyOn(document, "cookie", "get").mockReturnValue("mailroom_csrf=t");
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    if (url === "/api/me") return problem(401, { code: "unauthenticated", title: "Please log in" });
    posted.push({ url, body: JSON.parse(String(init.body)) });
    return authAnswer();
  });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const fill = (label: string, value: string) =>
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
const errorOf = (label: string) => {
  const id = screen.getByLabelText(label).getAttribute("aria-describedby") ?? "";
  return id
    .split(" ")
    .map((part) => document.getElementById(part))
    .find((el) => el?.className === "field__error")?.textContent;
};

describe("the log-in form", () => {
  it("asks for what is missing before sending anything, and focuses the first invalid field", async () => {
    renderAt("/login");
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(errorOf("Email")).toBe("Enter your email address");
    expect(errorOf("Password")).toBe("Enter your password");
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    expect(document.activeElement).toBe(screen.getByLabelText("Email"));
    expect(posted).toEqual([]);
  });

  it("says the email or password is wrong on a 401, and that there were too many tries on a 429", async () => {
    renderAt("/login?email=dana%40contoso.com");
    expect((screen.getByLabelText("Email") as HTMLInputElement).value).toBe("dana@contoso.com");
    fill("Password", "not-it");
    authAnswer = () => problem(401, { code: "invalid_credentials", title: "Invalid email or password" });
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    await screen.findByText("Wrong email or password");
    expect(posted).toEqual([
      { url: "/api/auth/sign-in/email", body: { email: "dana@contoso.com", password: "not-it" } },
    ]);
    authAnswer = () => problem(429, { code: "rate_limited", title: "Slow down" });
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    await screen.findByText("Too many attempts, try again in a minute");
  });

  it("leads to sign-up keeping where the user was going", () => {
    renderAt("/login?next=%2Finvite%2Fabc");
    expect(screen.getByRole("link", { name: "Create an account" }).getAttribute("href")).toBe(
      "/signup?next=%2Finvite%2Fabc",
    );
  });
});

describe("the sign-up form", () => {
  it("checks name, email and password length before sending", async () => {
    renderAt("/signup");
    fill("Work email", "not-an-address");
    fill("Password", "short");
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(errorOf("Your name")).toBe("Enter your name");
    expect(errorOf("Work email")).toBe("Enter an email address like ana@example.com");
    expect(errorOf("Password")).toBe("Use at least 10 characters (5 so far)");
    expect(posted).toEqual([]);
  });

  it("shows the server's title and its field errors next to the fields", async () => {
    renderAt("/signup");
    fill("Your name", " Dana ");
    fill("Work email", "dana@contoso.com ");
    fill("Password", "long enough password");
    authAnswer = () =>
      problem(422, {
        code: "user_exists",
        title: "An account with this email already exists",
        fields: [{ field: "email", message: "Log in instead" }],
      });
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    await screen.findByText("An account with this email already exists");
    expect(errorOf("Work email")).toBe("Log in instead");
    expect(posted).toEqual([
      {
        url: "/api/auth/sign-up/email",
        body: { name: "Dana", email: "dana@contoso.com", password: "long enough password" },
      },
    ]);
  });

  it("goes on to onboarding once the account exists", async () => {
    renderAt("/signup");
    fill("Your name", "Dana");
    fill("Work email", "dana@contoso.com");
    fill("Password", "long enough password");
    authAnswer = () => Response.json({ token: "t" });
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    await screen.findByText("now at /onboarding");
  });
});

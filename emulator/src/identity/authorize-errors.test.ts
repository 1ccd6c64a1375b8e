import { describe, expect, it } from "vitest";
import { MAILROOM_APP } from "../seed/default.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import {
  authorizeUrl,
  Browser,
  callbackParams,
  openAuthorize,
  pageText,
  pkcePair,
  submit,
} from "./sign-in-driver.ts";
import { codeFlow, REDIRECT, useEmulator } from "./test-setup.ts";

const emulator = useEmulator();

function url(tenant: string, overrides: Record<string, string | undefined> = {}): string {
  return authorizeUrl(tenant, {
    client_id: MAILROOM_APP.clientId,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "openid offline_access Mail.ReadWrite",
    state: "st",
    code_challenge: pkcePair().challenge,
    code_challenge_method: "S256",
    ...overrides,
  });
}

async function createApp(body: Record<string, unknown>): Promise<string> {
  const response = await emulatorFetch(emulator(), "/_emulator/apps", jsonInit("POST", body));
  return ((await response.json()) as { clientId: string }).clientId;
}

describe("authorize errors shown on Microsoft's page (never redirected)", () => {
  it("AADSTS50011: a redirect URI that isn't registered", async () => {
    const page = await openAuthorize(emulator(), url("common", { redirect_uri: "https://evil.example/cb" }));
    expect(page.status).toBe(400);
    expect(page.location).toBeNull();
    expect(pageText(page)).toContain(
      "AADSTS50011: The redirect URI 'https://evil.example/cb' specified in the request does not match",
    );
  });

  it("AADSTS700016: an unknown client id", async () => {
    const page = await openAuthorize(
      emulator(),
      url("common", { client_id: "11111111-2222-3333-4444-555555555555" }),
    );
    expect(page.location).toBeNull();
    expect(pageText(page)).toContain(
      "AADSTS700016: Application with identifier '11111111-2222-3333-4444-555555555555' was not found",
    );
  });

  it("AADSTS50194: a single-tenant app used through /common", async () => {
    const clientId = await createApp({
      displayName: "Single",
      signInAudience: "AzureADMyOrg",
      tenant: "contoso.com",
      redirectUris: [REDIRECT],
    });
    const page = await openAuthorize(emulator(), url("common", { client_id: clientId }));
    expect(pageText(page)).toContain("AADSTS50194");
  });

  it("AADSTS9002332: a work-accounts-only app used through /consumers", async () => {
    const clientId = await createApp({
      displayName: "Orgs",
      signInAudience: "AzureADMultipleOrgs",
      redirectUris: [REDIRECT],
    });
    const page = await openAuthorize(emulator(), url("consumers", { client_id: clientId }));
    expect(pageText(page)).toContain("AADSTS9002332");
  });

  it("AADSTS50020: a personal account signing in to a work-accounts-only app", async () => {
    const clientId = await createApp({
      displayName: "Orgs",
      signInAudience: "AzureADMultipleOrgs",
      redirectUris: [REDIRECT],
    });
    const { page } = await codeFlow(emulator(), {
      login: "sam.rivera@outlook.com",
      extra: { client_id: clientId },
    });
    expect(page.location).toBeNull();
    expect(pageText(page)).toContain(
      "AADSTS50020: User account 'sam.rivera@outlook.com' from identity provider 'live.com'",
    );
  });

  it("AADSTS50020: a user of another tenant signing in through a tenant-specific authority", async () => {
    const { page } = await codeFlow(emulator(), { tenant: "fabrikam.com" });
    expect(pageText(page)).toContain("AADSTS50020");
  });

  it("AADSTS90094: a scope only an admin may grant, for a non-admin user", async () => {
    const { page } = await codeFlow(emulator(), { scope: "openid User.Read.All" });
    expect(pageText(page)).toContain("Need admin approval");
    expect(pageText(page)).toContain("AADSTS90094");
  });

  it("an admin may consent on behalf of the organization; then other users skip the page", async () => {
    const browser = new Browser();
    const admin = await openAuthorize(
      emulator(),
      url("contoso.com", { scope: "openid User.Read.All" }),
      browser,
    );
    const password = await submit(emulator(), admin, { login: "alex@contoso.com" }, browser);
    const consent = await submit(emulator(), password, { passwd: "Passw0rd!" }, browser);
    const done = await submit(emulator(), consent, { decision: "accept", consentForOrg: "1" }, browser);
    expect(callbackParams(done).get("code")).toBeTruthy();
    const { page } = await codeFlow(emulator(), { scope: "openid User.Read.All", consent: "cancel" });
    expect(callbackParams(page).get("code")).toBeTruthy();
  });
});

describe("authorize errors returned to the redirect URI", () => {
  it("access_denied with AADSTS65004 and the state when the user cancels consent", async () => {
    const { page } = await codeFlow(emulator(), { consent: "cancel" });
    const params = callbackParams(page);
    expect(params.get("error")).toBe("access_denied");
    expect(params.get("error_description")).toMatch(
      /^AADSTS65004: User declined to consent to access the app\.\r\nTrace ID: /,
    );
    expect(params.get("state")).toBe("state-123");
  });

  it("AADSTS70011: an unknown scope", async () => {
    const page = await openAuthorize(emulator(), url("common", { scope: "openid Mail.Frobnicate" }));
    const params = callbackParams(page);
    expect(params.get("error")).toBe("invalid_scope");
    expect(params.get("error_description")).toContain("AADSTS70011");
  });

  it("refuses PKCE with code_challenge_method=plain", async () => {
    const page = await openAuthorize(
      emulator(),
      url("common", { code_challenge: "x".repeat(43), code_challenge_method: "plain" }),
    );
    expect(callbackParams(page).get("error")).toBe("invalid_request");
  });

  it("unsupported_response_type for anything but code", async () => {
    const page = await openAuthorize(emulator(), url("common", { response_type: "token" }));
    expect(callbackParams(page).get("error")).toBe("unsupported_response_type");
  });

  it("prompt=none without a session: login_required", async () => {
    const page = await openAuthorize(emulator(), url("common", { prompt: "none" }));
    expect(callbackParams(page).get("error")).toBe("login_required");
  });
});

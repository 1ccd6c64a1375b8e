/**
 * Contract tests: Microsoft's own MSAL for Node, pointed at the emulator over HTTPS, can't tell the
 * difference for the code + PKCE flow, refresh, silent renewal and errors. (openid-client isn't
 * needed for Mailroom; MSAL is the client we ship.)
 */
import {
  ConfidentialClientApplication,
  CryptoProvider,
  type INetworkModule,
  InteractionRequiredAuthError,
  type NetworkRequestOptions,
  type NetworkResponse,
  ServerError,
} from "@azure/msal-node";
import { Agent, fetch } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAILROOM_APP, SEED_IDS, SEED_PASSWORD } from "../seed/default.ts";
import type { Emulator } from "../server.ts";
import { emulatorFetch } from "../testing/emulator-fetch.ts";
import { callbackParams, signIn } from "./sign-in-driver.ts";
import { REDIRECT, useEmulator } from "./test-setup.ts";

const emulator = useEmulator();
const SCOPES = ["Mail.ReadWrite", "Mail.Send", "User.Read", "offline_access"];

/** MSAL's network hook, trusting the emulator's CA through an undici Agent. */
function trustingNetworkClient(caPem: string): INetworkModule {
  const dispatcher = new Agent({ connect: { ca: caPem } });
  async function send<T>(
    method: string,
    url: string,
    options?: NetworkRequestOptions,
  ): Promise<NetworkResponse<T>> {
    const response = await fetch(url, { method, headers: options?.headers, body: options?.body, dispatcher });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { headers, body: (await response.json()) as T, status: response.status };
  }
  return {
    sendGetRequestAsync: (url, options) => send("GET", url, options),
    sendPostRequestAsync: (url, options) => send("POST", url, options),
  };
}

function msal(
  em: Emulator,
  secret = MAILROOM_APP.secretValue,
  tenant = "common",
): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      clientId: MAILROOM_APP.clientId,
      clientSecret: secret,
      authority: `${em.url}/${tenant}`,
      knownAuthorities: [new URL(em.url).host],
    },
    system: { networkClient: trustingNetworkClient(em.caPem) },
  });
}

async function signInWithMsal(client: ConfidentialClientApplication) {
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const url = await client.getAuthCodeUrl({
    scopes: SCOPES,
    redirectUri: REDIRECT,
    codeChallenge: challenge,
    codeChallengeMethod: "S256",
    state: "msal-state",
    prompt: "select_account",
  });
  expect(url.startsWith(`${emulator().url}/common/oauth2/v2.0/authorize?`)).toBe(true);
  const page = await signIn(emulator(), url, { login: "support@contoso.com", password: SEED_PASSWORD });
  const params = callbackParams(page);
  expect(params.get("state")).toBe("msal-state");
  return client.acquireTokenByCode(
    {
      code: params.get("code")!,
      scopes: SCOPES,
      redirectUri: REDIRECT,
      codeVerifier: verifier,
      state: "msal-state",
    },
    { code: params.get("code")!, state: "msal-state", client_info: params.get("client_info") ?? undefined },
  );
}

afterEach(() => {
  vi.useRealTimers();
});

describe("@azure/msal-node against the emulator", () => {
  it("acquireTokenByCode with PKCE: account, home account id and id token claims", async () => {
    const result = await signInWithMsal(msal(emulator()));
    const { support } = SEED_IDS.users;
    const { contoso } = SEED_IDS.tenants;
    expect(result.account?.homeAccountId).toBe(`${support}.${contoso}`);
    expect(result.account?.username).toBe("support@contoso.com");
    expect(result.account?.tenantId).toBe(contoso);
    expect(result.idTokenClaims).toMatchObject({
      oid: support,
      tid: contoso,
      preferred_username: "support@contoso.com",
      name: "Contoso Support",
    });
    expect(result.tokenType).toBe("Bearer");
    expect(result.scopes).toEqual(expect.arrayContaining(["Mail.ReadWrite", "Mail.Send", "User.Read"]));
  });

  it("acquireTokenSilent after expiry uses the refresh token", async () => {
    const client = msal(emulator());
    const first = await signInWithMsal(client);
    const cached = await client.acquireTokenSilent({ account: first.account!, scopes: ["Mail.ReadWrite"] });
    expect(cached.accessToken).toBe(first.accessToken);
    // Two hours later for both MSAL (Date) and the emulator (its clock).
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 3600_000 });
    emulator().clock.advance(2 * 3600_000);
    const renewed = await client.acquireTokenSilent({ account: first.account!, scopes: ["Mail.ReadWrite"] });
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(renewed.fromCache).toBe(false);
  });

  // invalid_grant without a suberror is a plain ServerError in MSAL: classify by the AADSTS code.
  it("a revoked refresh token surfaces as ServerError invalid_grant with AADSTS50173", async () => {
    const client = msal(emulator());
    const first = await signInWithMsal(client);
    await emulatorFetch(emulator(), `/_emulator/users/${SEED_IDS.users.support}/revoke`, { method: "POST" });
    const error = await client
      .acquireTokenSilent({ account: first.account!, scopes: ["Mail.ReadWrite"], forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).errorCode).toBe("invalid_grant");
    expect((error as ServerError).errorMessage).toContain("AADSTS50173");
  });

  it("a refresh token unused for 90 days: InteractionRequiredAuthError, subError bad_token", async () => {
    const client = msal(emulator());
    const first = await signInWithMsal(client);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 91 * 24 * 3600_000 });
    emulator().clock.advance(91 * 24 * 3600_000);
    const error = await client
      .acquireTokenSilent({ account: first.account!, scopes: ["Mail.ReadWrite"] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect((error as InteractionRequiredAuthError).subError).toBe("bad_token");
    expect((error as InteractionRequiredAuthError).errorMessage).toContain("AADSTS700082");
  });

  it("a wrong client secret is a ServerError invalid_client with AADSTS7000215", async () => {
    const error = await signInWithMsal(msal(emulator(), MAILROOM_APP.secretId)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).errorCode).toBe("invalid_client");
    expect((error as ServerError).errorMessage).toContain("AADSTS7000215");
  });

  it("removed consent: InteractionRequiredAuthError, subError consent_required (AADSTS65001)", async () => {
    const client = msal(emulator());
    const first = await signInWithMsal(client);
    await emulatorFetch(
      emulator(),
      `/_emulator/users/${SEED_IDS.users.support}/consents/${MAILROOM_APP.clientId}`,
      { method: "DELETE" },
    );
    const error = await client
      .acquireTokenSilent({ account: first.account!, scopes: ["Mail.ReadWrite"], forceRefresh: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionRequiredAuthError);
    expect((error as InteractionRequiredAuthError).subError).toBe("consent_required");
    expect((error as InteractionRequiredAuthError).errorMessage).toContain("AADSTS65001");
  });

  it("acquireTokenByClientCredential works against a tenant authority", async () => {
    const result = await msal(
      emulator(),
      MAILROOM_APP.secretValue,
      SEED_IDS.tenants.mailroomPlatform,
    ).acquireTokenByClientCredential({
      scopes: ["https://graph.microsoft.com/.default"],
    });
    expect(result?.accessToken).toBeTruthy();
  });
});

/** Shared setup for the identity tests: one emulator per file, reset between tests. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createClock } from "../clock.ts";
import { MAILROOM_APP, SEED_PASSWORD } from "../seed/default.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { authorizeUrl, type Browser, type Page, pkcePair, signIn } from "./sign-in-driver.ts";

export const REDIRECT = MAILROOM_APP.redirectUris[0]!;
export const DEFAULT_SCOPES = "openid profile email offline_access Mail.ReadWrite Mail.Send User.Read";

/** Starts an emulator with a frozen clock for the file; `get()` returns it. */
export function useEmulator(): () => Emulator {
  let emulator: Emulator | undefined;
  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 0 }) });
  });
  beforeEach(() => emulator?.reset());
  afterAll(async () => emulator?.close());
  return () => {
    if (!emulator) throw new Error("emulator not started");
    return emulator;
  };
}

export interface CodeFlow {
  page: Page;
  verifier: string;
}

/** The Mailroom app's usual authorize request (PKCE S256, state, nonce), signed in as `login`. */
export async function codeFlow(
  emulator: Emulator,
  options: {
    login?: string;
    password?: string;
    tenant?: string;
    scope?: string;
    consent?: "accept" | "cancel";
    browser?: Browser;
    extra?: Record<string, string | undefined>;
  } = {},
): Promise<CodeFlow> {
  const { verifier, challenge } = pkcePair();
  const url = authorizeUrl(options.tenant ?? "common", {
    client_id: MAILROOM_APP.clientId,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: options.scope ?? DEFAULT_SCOPES,
    state: "state-123",
    nonce: "nonce-456",
    code_challenge: challenge,
    code_challenge_method: "S256",
    response_mode: "query",
    ...options.extra,
  });
  const page = await signIn(emulator, url, {
    login: options.login ?? "support@contoso.com",
    password: options.password ?? SEED_PASSWORD,
    consent: options.consent,
    browser: options.browser,
  });
  return { page, verifier };
}

export const secretFields = { client_id: MAILROOM_APP.clientId, client_secret: MAILROOM_APP.secretValue };

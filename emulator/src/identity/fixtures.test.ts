/**
 * The emulator's token endpoint answers have the fields (and JSON types) of Microsoft's documented
 * examples in `fixtures/identity/` (see fixtures/SOURCES.md). Extra fields are allowed (Entra sends
 * ext_expires_in, client_info, error_uri… beyond the examples).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MAILROOM_APP, SEED_IDS } from "../seed/default.ts";
import { callbackParams, tokenRequest } from "./sign-in-driver.ts";
import { codeFlow, REDIRECT, secretFields, useEmulator } from "./test-setup.ts";

const emulator = useEmulator();

function fixture(name: string): Record<string, unknown> {
  const url = new URL(`../../fixtures/identity/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Record<string, unknown>;
}

function expectSameShape(actual: Record<string, unknown>, documented: Record<string, unknown>) {
  for (const [key, value] of Object.entries(documented)) {
    expect(actual, `field ${key}`).toHaveProperty(key);
    expect(Array.isArray(actual[key]), `array-ness of ${key}`).toBe(Array.isArray(value));
    expect(typeof actual[key], `type of ${key}`).toBe(typeof value);
  }
}

async function codeResponse(extra: Record<string, string> = {}) {
  const { page, verifier } = await codeFlow(emulator());
  return tokenRequest(emulator(), "common", {
    ...secretFields,
    grant_type: "authorization_code",
    code: callbackParams(page).get("code")!,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
    ...extra,
  });
}

const firstLine = (description: unknown) => String(description).split("\r\n")[0];

describe("token endpoint answers match Microsoft's documented examples", () => {
  it("authorization_code success", async () => {
    expectSameShape((await codeResponse()).body, fixture("token-response-auth-code.json"));
  });

  it("refresh_token success", async () => {
    const first = await codeResponse();
    const { body } = await tokenRequest(emulator(), "common", {
      ...secretFields,
      grant_type: "refresh_token",
      refresh_token: String(first.body.refresh_token),
    });
    expectSameShape(body, fixture("token-response-refresh.json"));
  });

  it("client_credentials success", async () => {
    const { body } = await tokenRequest(emulator(), SEED_IDS.tenants.mailroomPlatform, {
      ...secretFields,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    });
    expectSameShape(body, fixture("token-response-client-credentials.json"));
  });

  it("the invalid_scope error of the code redemption example, word for word", async () => {
    const { status, body } = await codeResponse({ scope: "https://foo.microsoft.com/mail.read" });
    expect(status).toBe(400);
    const documented = fixture("token-error-invalid-scope.json");
    expectSameShape(body, documented);
    expect(firstLine(body.error_description)).toBe(firstLine(documented.error_description));
  });

  it("the invalid_scope error of the client credentials example, word for word", async () => {
    const { body } = await tokenRequest(emulator(), SEED_IDS.tenants.mailroomPlatform, {
      client_id: MAILROOM_APP.clientId,
      client_secret: MAILROOM_APP.secretValue,
      grant_type: "client_credentials",
      scope: "https://foo.microsoft.com/.default",
    });
    const documented = fixture("client-credentials-error.json");
    expectSameShape(body, documented);
    expect(firstLine(body.error_description)).toBe(firstLine(documented.error_description));
  });
});

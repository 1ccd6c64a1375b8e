import { describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { callbackParams, tokenRequest } from "./sign-in-driver.ts";
import { codeFlow, REDIRECT, secretFields, useEmulator } from "./test-setup.ts";

/**
 * The re-authentication triggers the identity control API adds (issue 12), each answered as
 * Microsoft documents it: AADSTS70008 for an expired grant
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes: "ExpiredOrRevokedGrant
 * - The refresh token has expired due to inactivity…"), and Graph's 401 InvalidAuthenticationToken
 * (https://learn.microsoft.com/graph/errors) that a fresh token does not cure.
 */
const emulator = useEmulator();
const SUPPORT = SEED_IDS.users.support;

async function tokens(): Promise<{ access: string; refresh: string }> {
  const flow = await codeFlow(emulator());
  const { body } = await tokenRequest(emulator(), "common", {
    ...secretFields,
    grant_type: "authorization_code",
    code: callbackParams(flow.page).get("code")!,
    redirect_uri: REDIRECT,
    code_verifier: flow.verifier,
  });
  return { access: String(body.access_token), refresh: String(body.refresh_token) };
}

const refresh = (token: string) =>
  tokenRequest(emulator(), "common", { ...secretFields, grant_type: "refresh_token", refresh_token: token });

const me = (accessToken: string) =>
  emulatorFetch(emulator(), "/v1.0/me?$select=id", { headers: { authorization: `Bearer ${accessToken}` } });

describe("identity control: re-authentication triggers", () => {
  it("POST /users/{id}/refresh-tokens/expire: the grant answers AADSTS70008; a new sign-in works", async () => {
    const before = await tokens();
    const res = await emulatorFetch(emulator(), `/_emulator/users/${SUPPORT}/refresh-tokens/expire`, {
      method: "POST",
    });
    expect(res.status).toBe(200);
    const refused = await refresh(before.refresh);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe("invalid_grant");
    expect(refused.body.error_codes).toEqual([70008]);
    expect(String(refused.body.error_description)).toMatch(/^AADSTS70008: /);
    // The access token already issued keeps working until it expires, as Microsoft's do.
    expect((await me(before.access)).status).toBe(200);
    const after = await tokens();
    expect((await refresh(after.refresh)).status).toBe(200);
  });

  it("PUT /users/{id}/graph-access {refused}: Graph answers 401 to fresh tokens too, until restored", async () => {
    const { refresh: token } = await tokens();
    const set = await emulatorFetch(
      emulator(),
      `/_emulator/users/${SUPPORT}/graph-access`,
      jsonInit("PUT", { refused: true }),
    );
    expect(set.status).toBe(200);
    const fresh = await refresh(token);
    expect(fresh.status).toBe(200);
    const res = await me(String(fresh.body.access_token));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("InvalidAuthenticationToken");
    await emulatorFetch(
      emulator(),
      `/_emulator/users/${SUPPORT}/graph-access`,
      jsonInit("PUT", { refused: false }),
    );
    expect((await me(String(fresh.body.access_token))).status).toBe(200);
  });

  it("answers 404 for an unknown user and 400 for a bad body", async () => {
    expect(
      (
        await emulatorFetch(emulator(), "/_emulator/users/nobody@contoso.com/refresh-tokens/expire", {
          method: "POST",
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await emulatorFetch(
          emulator(),
          `/_emulator/users/${SUPPORT}/graph-access`,
          jsonInit("PUT", { refused: "yes" }),
        )
      ).status,
    ).toBe(400);
  });
});

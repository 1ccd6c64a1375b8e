import { describe, expect, it } from "vitest";
import { MAILROOM_APP, SEED_IDS } from "../seed/default.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { callbackParams, tokenRequest } from "./sign-in-driver.ts";
import { codeFlow, REDIRECT, secretFields, useEmulator } from "./test-setup.ts";

const emulator = useEmulator();
const DAY = 24 * 3600_000;

async function code(): Promise<{ code: string; verifier: string }> {
  const flow = await codeFlow(emulator());
  return { code: callbackParams(flow.page).get("code")!, verifier: flow.verifier };
}

async function redeem(fields: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const { code: value, verifier } = await code();
  const base = {
    ...secretFields,
    grant_type: "authorization_code",
    code: value,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  };
  return tokenRequest(emulator(), "common", { ...base, ...fields }, headers);
}

async function refreshToken(): Promise<string> {
  const { body } = await redeem();
  return String(body.refresh_token);
}

const refresh = (token: string) =>
  tokenRequest(emulator(), "common", { ...secretFields, grant_type: "refresh_token", refresh_token: token });

function expectAadsts(
  result: { status: number; body: Record<string, unknown> },
  status: number,
  error: string,
  code: number,
) {
  expect(result.status).toBe(status);
  expect(result.body.error).toBe(error);
  expect(result.body.error_codes).toEqual([code]);
  expect(String(result.body.error_description)).toMatch(new RegExp(`^AADSTS${code}: `));
}

describe("token endpoint: client authentication", () => {
  it("accepts the secret by HTTP Basic", async () => {
    const basic = Buffer.from(
      `${MAILROOM_APP.clientId}:${encodeURIComponent(MAILROOM_APP.secretValue)}`,
    ).toString("base64");
    const result = await redeem({ client_secret: "" }, { authorization: `Basic ${basic}` });
    expect(result.status).toBe(200);
  });

  it("AADSTS7000215: a wrong secret (e.g. the secret id) → 401 invalid_client", async () => {
    expectAadsts(await redeem({ client_secret: MAILROOM_APP.secretId }), 401, "invalid_client", 7000215);
  });

  it("AADSTS7000222: an expired secret → 401 invalid_client", async () => {
    await emulatorFetch(
      emulator(),
      `/_emulator/apps/${MAILROOM_APP.clientId}/secrets/${MAILROOM_APP.secretId}/expire`,
      { method: "POST" },
    );
    expectAadsts(await redeem(), 401, "invalid_client", 7000222);
  });

  it("AADSTS700016: an unknown app → 400 unauthorized_client", async () => {
    const result = await tokenRequest(emulator(), "common", {
      client_id: "11111111-2222-3333-4444-555555555555",
      client_secret: "x",
      grant_type: "client_credentials",
    });
    expectAadsts(result, 400, "unauthorized_client", 700016);
  });
});

describe("token endpoint: authorization_code", () => {
  it("AADSTS54005: a code redeemed twice", async () => {
    const { code: value, verifier } = await code();
    const fields = {
      ...secretFields,
      grant_type: "authorization_code",
      code: value,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    };
    expect((await tokenRequest(emulator(), "common", fields)).status).toBe(200);
    expectAadsts(await tokenRequest(emulator(), "common", fields), 400, "invalid_grant", 54005);
  });

  it("AADSTS70008: a code older than 10 minutes (emulator clock)", async () => {
    const { code: value, verifier } = await code();
    emulator().clock.advance(10 * 60_000 + 1);
    const fields = {
      ...secretFields,
      grant_type: "authorization_code",
      code: value,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    };
    expectAadsts(await tokenRequest(emulator(), "common", fields), 400, "invalid_grant", 70008);
  });

  it("AADSTS501481: a PKCE verifier that doesn't match", async () => {
    expectAadsts(await redeem({ code_verifier: "A".repeat(43) }), 400, "invalid_grant", 501481);
  });

  it("AADSTS500112: a different redirect_uri than the authorize request's", async () => {
    expectAadsts(await redeem({ redirect_uri: MAILROOM_APP.redirectUris[1]! }), 400, "invalid_grant", 500112);
  });

  it("AADSTS70011: an invalid scope", async () => {
    expectAadsts(await redeem({ scope: "https://foo.microsoft.com/mail.read" }), 400, "invalid_scope", 70011);
  });

  it("no refresh token without offline_access", async () => {
    const flow = await codeFlow(emulator(), { scope: "openid Mail.Read" });
    const { body } = await tokenRequest(emulator(), "common", {
      ...secretFields,
      grant_type: "authorization_code",
      code: callbackParams(flow.page).get("code")!,
      redirect_uri: REDIRECT,
      code_verifier: flow.verifier,
    });
    expect(body.refresh_token).toBeUndefined();
    expect(body.id_token).toBeDefined();
  });
});

describe("token endpoint: refresh_token", () => {
  it("rotates: every use returns a new refresh token, and the old one still works", async () => {
    const first = await refreshToken();
    const second = await refresh(first);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first);
    expect((await refresh(first)).status).toBe(200);
  });

  it("AADSTS700082 (suberror bad_token): unused for 90 days", async () => {
    const token = await refreshToken();
    emulator().clock.advance(90 * DAY);
    const result = await refresh(token);
    expectAadsts(result, 400, "invalid_grant", 700082);
    expect(result.body.suberror).toBe("bad_token");
  });

  it("stays alive when used within 90 days each time", async () => {
    let token = await refreshToken();
    for (let i = 0; i < 3; i++) {
      emulator().clock.advance(60 * DAY);
      const result = await refresh(token);
      expect(result.status).toBe(200);
      token = String(result.body.refresh_token);
    }
  });

  it("AADSTS50173: revoked by the control API", async () => {
    const token = await refreshToken();
    await emulatorFetch(emulator(), `/_emulator/users/${SEED_IDS.users.support}/revoke`, { method: "POST" });
    expectAadsts(await refresh(token), 400, "invalid_grant", 50173);
  });

  it("AADSTS50173: the user changed their password", async () => {
    const token = await refreshToken();
    await emulatorFetch(
      emulator(),
      "/_emulator/users/support@contoso.com/password",
      jsonInit("POST", { password: "N3w!" }),
    );
    expectAadsts(await refresh(token), 400, "invalid_grant", 50173);
  });

  it("AADSTS65001 (suberror consent_required): consent removed", async () => {
    const token = await refreshToken();
    await emulatorFetch(
      emulator(),
      `/_emulator/users/support@contoso.com/consents/${MAILROOM_APP.clientId}`,
      { method: "DELETE" },
    );
    const result = await refresh(token);
    expectAadsts(result, 400, "invalid_grant", 65001);
    expect(result.body.suberror).toBe("consent_required");
  });

  it("AADSTS65001: a scope beyond what was consented", async () => {
    const token = await refreshToken();
    const result = await tokenRequest(emulator(), "common", {
      ...secretFields,
      grant_type: "refresh_token",
      refresh_token: token,
      scope: "Mail.Read.Shared",
    });
    expectAadsts(result, 400, "invalid_grant", 65001);
  });

  it("AADSTS9002313: a token the emulator never issued", async () => {
    expectAadsts(await refresh("garbage"), 400, "invalid_grant", 9002313);
  });
});

describe("token endpoint: client_credentials", () => {
  it("issues an app-only token with the app's application permissions as roles", async () => {
    const created = await emulatorFetch(
      emulator(),
      "/_emulator/apps",
      jsonInit("POST", {
        displayName: "Daemon",
        tenant: "contoso.com",
        applicationPermissions: ["Mail.ReadWrite", "User.Read.All"],
      }),
    );
    const app = (await created.json()) as { clientId: string; secret: { value: string } };
    const result = await tokenRequest(emulator(), "contoso.com", {
      client_id: app.clientId,
      client_secret: app.secret.value,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    });
    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual([
      "access_token",
      "expires_in",
      "ext_expires_in",
      "token_type",
    ]);
    const [, claims] = String(result.body.access_token).split(".");
    const decoded = JSON.parse(Buffer.from(claims!, "base64url").toString());
    expect(decoded).toMatchObject({
      idtyp: "app",
      roles: ["Mail.ReadWrite", "User.Read.All"],
      tid: SEED_IDS.tenants.contoso,
    });
    expect(decoded.scp).toBeUndefined();
  });

  it("AADSTS70011: a scope other than {resource}/.default", async () => {
    const result = await tokenRequest(emulator(), SEED_IDS.tenants.mailroomPlatform, {
      ...secretFields,
      grant_type: "client_credentials",
      scope: "Mail.Read",
    });
    expectAadsts(result, 400, "invalid_scope", 70011);
  });

  it("AADSTS9001023: not over /common", async () => {
    const result = await tokenRequest(emulator(), "common", {
      ...secretFields,
      grant_type: "client_credentials",
      scope: "https://graph.microsoft.com/.default",
    });
    expectAadsts(result, 400, "invalid_request", 9001023);
  });
});

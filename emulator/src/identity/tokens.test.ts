import { describe, expect, it } from "vitest";
import { MAILROOM_APP, SEED_IDS } from "../seed/default.ts";
import { emulatorFetch } from "../testing/emulator-fetch.ts";
import { useEmulator } from "./test-setup.ts";
import { issueAccessToken, servicePrincipalId, TOKEN_MESSAGES, verifyAccessToken } from "./tokens.ts";

const emulator = useEmulator();
const { contoso } = SEED_IDS.tenants;
const ctx = () => emulator().app.emulator;

const userToken = (lifetimeSeconds?: number) =>
  issueAccessToken(ctx(), {
    tenantId: contoso,
    clientId: MAILROOM_APP.clientId,
    userId: SEED_IDS.users.support,
    scopes: ["Mail.ReadWrite", "User.Read"],
    lifetimeSeconds,
  });

describe("issueAccessToken / verifyAccessToken", () => {
  it("issues Graph-like delegated claims that verify", () => {
    const token = userToken(3600);
    expect(token.expiresIn).toBe(3600);
    const result = verifyAccessToken(ctx(), token.accessToken);
    if (!result.ok) throw new Error(result.message);
    expect(result.claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${contoso}/`,
      tid: contoso,
      oid: SEED_IDS.users.support,
      appid: MAILROOM_APP.clientId,
      scp: "Mail.ReadWrite User.Read",
      upn: "support@contoso.com",
      idtyp: "user",
    });
    expect(result.claims.exp - result.claims.iat).toBe(3600);
  });

  it("issues app-only tokens with the service principal's oid and roles", () => {
    const token = issueAccessToken(ctx(), {
      tenantId: contoso,
      clientId: MAILROOM_APP.clientId,
      scopes: ["Mail.Read"],
      appOnly: true,
    });
    const result = verifyAccessToken(ctx(), token.accessToken);
    expect(result.ok && result.claims).toMatchObject({
      idtyp: "app",
      roles: ["Mail.Read"],
      oid: servicePrincipalId(MAILROOM_APP.clientId, contoso),
    });
  });

  it("expires by the emulator clock with Graph's message", () => {
    const token = userToken(3600);
    emulator().clock.advance(3600_000);
    expect(verifyAccessToken(ctx(), token.accessToken)).toEqual({
      ok: false,
      status: 401,
      code: "InvalidAuthenticationToken",
      message: TOKEN_MESSAGES.expired,
    });
  });

  it("uses the configured lifetime from the control API", async () => {
    await emulatorFetch(emulator(), "/_emulator/identity/settings", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ accessTokenLifetimeSeconds: 600 }),
    });
    expect(userToken().expiresIn).toBe(600);
  });

  it("rejects tokens that aren't JWTs, or were tampered with", () => {
    expect(verifyAccessToken(ctx(), "nonsense")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^IDX14100: JWT is not well formed/),
    });
    const [header, , signature] = userToken().accessToken.split(".");
    const forged = Buffer.from(JSON.stringify({ aud: "https://graph.microsoft.com", exp: 9e9 })).toString(
      "base64url",
    );
    expect(verifyAccessToken(ctx(), `${header}.${forged}.${signature}`)).toMatchObject({
      ok: false,
      message: TOKEN_MESSAGES.signature,
    });
  });

  it("rejects tokens issued before the user's tokens were revoked, and of deleted users", async () => {
    const token = userToken();
    emulator().clock.advance(1000);
    await emulatorFetch(emulator(), `/_emulator/users/${SEED_IDS.users.support}/revoke`, { method: "POST" });
    expect(verifyAccessToken(ctx(), token.accessToken)).toMatchObject({
      ok: false,
      message: TOKEN_MESSAGES.revoked,
    });
    const fresh = userToken();
    expect(verifyAccessToken(ctx(), fresh.accessToken).ok).toBe(true);
    emulator().store.state.mailboxes.delete(SEED_IDS.users.support);
    expect(verifyAccessToken(ctx(), fresh.accessToken)).toMatchObject({
      ok: false,
      message: TOKEN_MESSAGES.userGone,
    });
  });
});

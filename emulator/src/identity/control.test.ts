import { describe, expect, it } from "vitest";
import { MAILROOM_APP, SEED_IDS } from "../seed/default.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { callbackParams, tokenRequest } from "./sign-in-driver.ts";
import { codeFlow, REDIRECT, useEmulator } from "./test-setup.ts";

const emulator = useEmulator();
const control = (path: string, init?: Parameters<typeof emulatorFetch>[2]) =>
  emulatorFetch(emulator(), `/_emulator${path}`, init);

describe("identity control API", () => {
  it("POST /users/{id}/revoke revokes the user's refresh tokens", async () => {
    await codeFlow(emulator());
    const { page, verifier } = await codeFlow(emulator());
    await tokenRequest(emulator(), "common", {
      client_id: MAILROOM_APP.clientId,
      client_secret: MAILROOM_APP.secretValue,
      grant_type: "authorization_code",
      code: callbackParams(page).get("code")!,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    const response = await control(`/users/${SEED_IDS.users.support}/revoke`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ revokedRefreshTokens: 1 });
  });

  it("POST /users/{upn}/password changes the password: the old one no longer signs in", async () => {
    const response = await control(
      "/users/support@contoso.com/password",
      jsonInit("POST", { password: "Br4nd-new" }),
    );
    expect(response.status).toBe(200);
    const old = await codeFlow(emulator());
    expect(old.page.html).toContain("Your account or password is incorrect.");
    const fresh = await codeFlow(emulator(), { password: "Br4nd-new" });
    expect(callbackParams(fresh.page).get("code")).toBeTruthy();
  });

  it("DELETE /users/{id}/consents/{clientId} removes consent: the consent page comes back", async () => {
    await codeFlow(emulator());
    const removed = await control(`/users/support@contoso.com/consents/${MAILROOM_APP.clientId}`, {
      method: "DELETE",
    });
    expect(removed.status).toBe(204);
    const { page } = await codeFlow(emulator(), { consent: "cancel" });
    expect(callbackParams(page).get("error")).toBe("access_denied");
    expect(
      (await control(`/users/support@contoso.com/consents/${MAILROOM_APP.clientId}`, { method: "DELETE" }))
        .status,
    ).toBe(404);
  });

  it("POST /apps/{clientId}/secrets adds a secret and returns its value once; /expire expires one", async () => {
    const added = await control(
      `/apps/${MAILROOM_APP.clientId}/secrets`,
      jsonInit("POST", { displayName: "rotated" }),
    );
    expect(added.status).toBe(201);
    const secret = (await added.json()) as { id: string; value: string; hint: string };
    expect(secret.value).toMatch(/^.{3}8Q~.{34}$/);
    expect(secret.hint).toBe(secret.value.slice(0, 3));
    const expired = await control(`/apps/${MAILROOM_APP.clientId}/secrets/${MAILROOM_APP.secretId}/expire`, {
      method: "POST",
    });
    expect(expired.status).toBe(204);
    const platform = SEED_IDS.tenants.mailroomPlatform;
    const scope = "https://graph.microsoft.com/.default";
    const withOld = await tokenRequest(emulator(), platform, {
      client_id: MAILROOM_APP.clientId,
      client_secret: MAILROOM_APP.secretValue,
      grant_type: "client_credentials",
      scope,
    });
    expect(withOld.body.error_codes).toEqual([7000222]);
    const withNew = await tokenRequest(emulator(), platform, {
      client_id: MAILROOM_APP.clientId,
      client_secret: secret.value,
      grant_type: "client_credentials",
      scope,
    });
    expect(withNew.status).toBe(200);
    const listed = (await (await control("/apps")).json()) as {
      value: { clientId: string; secrets: object[] }[];
    };
    expect(JSON.stringify(listed)).not.toContain(secret.value);
  });

  it("POST /apps creates a registration (BYOC) usable right away; GET /apps lists it", async () => {
    const created = await control(
      "/apps",
      jsonInit("POST", {
        displayName: "Customer app",
        tenant: "contoso.com",
        redirectUris: ["https://app.example/cb"],
        signInAudience: "AzureADMyOrg",
      }),
    );
    expect(created.status).toBe(201);
    const app = (await created.json()) as { clientId: string; tenantId: string; secret: { value: string } };
    expect(app.tenantId).toBe(SEED_IDS.tenants.contoso);
    const { page } = await codeFlow(emulator(), {
      tenant: "contoso.com",
      extra: { client_id: app.clientId, redirect_uri: "https://app.example/cb" },
    });
    expect(callbackParams(page).get("code")).toBeTruthy();
    const list = (await (await control("/apps")).json()) as {
      value: { clientId: string; displayName: string }[];
    };
    expect(list.value.map((a) => a.displayName)).toEqual(
      expect.arrayContaining(["Mailroom", "Customer app"]),
    );
  });

  it("POST /apps/{clientId}/admin-consent grants tenant-wide consent", async () => {
    const response = await control(
      `/apps/${MAILROOM_APP.clientId}/admin-consent`,
      jsonInit("POST", { tenant: "contoso.com", scopes: ["openid", "User.Read.All"] }),
    );
    expect(response.status).toBe(201);
    const { page } = await codeFlow(emulator(), { scope: "openid User.Read.All", consent: "cancel" });
    expect(callbackParams(page).get("code")).toBeTruthy();
  });

  it("answers 404 for unknown users and apps, 400 for bad bodies", async () => {
    expect((await control("/users/nobody@contoso.com/revoke", { method: "POST" })).status).toBe(404);
    expect(
      (await control("/apps/00000000-0000-0000-0000-000000000000/secrets", jsonInit("POST", {}))).status,
    ).toBe(404);
    expect((await control("/apps", jsonInit("POST", { displayName: "" }))).status).toBe(400);
  });
});

import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import { emulatorFetch } from "../testing/emulator-fetch.ts";
import { issueIdToken } from "./id-token.ts";
import { useEmulator } from "./test-setup.ts";

const emulator = useEmulator();
const { contoso } = SEED_IDS.tenants;

async function configuration(tenant: string): Promise<Record<string, string>> {
  const response = await emulatorFetch(emulator(), `/${tenant}/v2.0/.well-known/openid-configuration`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, string>;
}

describe("OpenID discovery", () => {
  it("publishes a concrete issuer and the emulator's endpoints for a tenant id", async () => {
    const config = await configuration(contoso);
    const base = emulator().url;
    expect(config.issuer).toBe(`${base}/${contoso}/v2.0`);
    expect(config.authorization_endpoint).toBe(`${base}/${contoso}/oauth2/v2.0/authorize`);
    expect(config.token_endpoint).toBe(`${base}/${contoso}/oauth2/v2.0/token`);
    expect(config.jwks_uri).toBe(`${base}/${contoso}/discovery/v2.0/keys`);
  });

  it("resolves a tenant by domain to the same concrete issuer", async () => {
    expect((await configuration("contoso.com")).issuer).toBe(`${emulator().url}/${contoso}/v2.0`);
  });

  it("publishes Microsoft's {tenantid} template for common and organizations, and the MSA tenant for consumers", async () => {
    expect((await configuration("common")).issuer).toBe(`${emulator().url}/{tenantid}/v2.0`);
    expect((await configuration("organizations")).token_endpoint).toBe(
      `${emulator().url}/organizations/oauth2/v2.0/token`,
    );
    expect((await configuration("consumers")).issuer).toBe(
      `${emulator().url}/${SEED_IDS.tenants.consumers}/v2.0`,
    );
  });

  it("answers AADSTS90002 for an unknown tenant", async () => {
    const response = await emulatorFetch(
      emulator(),
      "/nowhere.example/v2.0/.well-known/openid-configuration",
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
  });

  it("publishes RS256 keys that verify the tenant's id tokens", async () => {
    const keys = (await (
      await emulatorFetch(emulator(), `/${contoso}/discovery/v2.0/keys`)
    ).json()) as JSONWebKeySet;
    expect(keys.keys[0]).toMatchObject({ kty: "RSA", use: "sig" });
    const user = emulator().store.mailbox("support@contoso.com")!;
    const idToken = issueIdToken(emulator().app.emulator, {
      user,
      clientId: "c",
      tenantId: contoso,
      scopes: ["openid"],
      nonce: null,
    });
    const { payload } = await jwtVerify(idToken, createLocalJWKSet(keys), {
      issuer: `${emulator().url}/${contoso}/v2.0`,
      audience: "c",
    });
    expect(payload.oid).toBe(user.id);
  });
});

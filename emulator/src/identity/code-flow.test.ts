import { describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import {
  Browser,
  callbackParams,
  isConsentPage,
  openAuthorize,
  pageText,
  submit,
  tokenRequest,
} from "./sign-in-driver.ts";
import { decodeJwt } from "./signing-keys.ts";
import { codeFlow, REDIRECT, secretFields, useEmulator } from "./test-setup.ts";
import { verifyAccessToken } from "./tokens.ts";

const emulator = useEmulator();
const SUPPORT = SEED_IDS.users.support;
const CONTOSO = SEED_IDS.tenants.contoso;

function payload(jwt: unknown): Record<string, unknown> {
  const decoded = decodeJwt(String(jwt));
  if (!decoded.ok) throw new Error("not a JWT");
  return decoded.payload;
}

describe("authorization code flow", () => {
  it("signs in, consents and returns a code with the state to the redirect URI", async () => {
    const { page } = await codeFlow(emulator());
    expect(page.status).toBe(302);
    expect(page.location?.startsWith(REDIRECT)).toBe(true);
    const params = callbackParams(page);
    expect(params.get("state")).toBe("state-123");
    expect(params.get("code")).toMatch(/^1\.A/);
  });

  it("redeems the code for Bearer, id and refresh tokens with Graph claims", async () => {
    const { page, verifier } = await codeFlow(emulator());
    const code = callbackParams(page).get("code")!;
    const { status, body } = await tokenRequest(emulator(), "common", {
      ...secretFields,
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
      client_info: "1",
    });
    expect(status).toBe(200);
    expect(body.token_type).toBe("Bearer");
    expect(body.scope).toBe("Mail.ReadWrite Mail.Send User.Read openid profile email");
    expect(body.expires_in).toBeGreaterThanOrEqual(3600);
    expect(body.expires_in).toBeLessThan(4600);
    expect(typeof body.refresh_token).toBe("string");
    const id = payload(body.id_token);
    expect(id).toMatchObject({
      aud: secretFields.client_id,
      iss: `${emulator().url}/${CONTOSO}/v2.0`,
      oid: SUPPORT,
      tid: CONTOSO,
      preferred_username: "support@contoso.com",
      email: "support@contoso.com",
      name: "Contoso Support",
      nonce: "nonce-456",
      ver: "2.0",
    });
    const info = JSON.parse(Buffer.from(String(body.client_info), "base64url").toString());
    expect(info).toEqual({ uid: SUPPORT, utid: CONTOSO });
    const verified = verifyAccessToken(emulator().app.emulator, String(body.access_token));
    expect(verified.ok && verified.claims.scp).toBe(
      "Mail.ReadWrite Mail.Send User.Read openid profile email",
    );
  });

  it("remembers consent: the second sign-in goes straight back to the app", async () => {
    await codeFlow(emulator());
    const { page } = await codeFlow(emulator(), { consent: "cancel" });
    expect(callbackParams(page).get("code")).toBeTruthy();
  });

  it("asks again with prompt=consent", async () => {
    const browser = new Browser();
    await codeFlow(emulator(), { browser });
    const { page } = await codeFlow(emulator(), { browser, extra: { prompt: "consent" }, consent: "cancel" });
    expect(callbackParams(page).get("error")).toBe("access_denied");
  });

  it("lists the requested permissions in plain words on the consent page, with the app's name", async () => {
    const browser = new Browser();
    const page = await openAuthorize(emulator(), authorize(), browser);
    const password = await submit(emulator(), page, { login: "support@contoso.com" }, browser);
    const consent = await submit(emulator(), password, { passwd: "Passw0rd!" }, browser);
    expect(isConsentPage(consent)).toBe(true);
    const text = pageText(consent);
    expect(text).toContain("Mailroom");
    expect(text).toContain("Read and write access to your mail");
    expect(text).toContain("Maintain access to data you have given it access to");
    expect(consent.html).toContain('value="accept" class="primary">Accept</button>');
    expect(consent.html).toContain(">Cancel</button>");
  });

  it("shows Microsoft's error on a wrong password and stays on the page", async () => {
    const browser = new Browser();
    const page = await openAuthorize(emulator(), authorize(), browser);
    expect(page.html).toContain('<label for="login">Email, phone, or Skype</label>');
    const password = await submit(emulator(), page, { login: "support@contoso.com" }, browser);
    expect(password.html).toContain('<label for="passwd">Password</label>');
    const wrong = await submit(emulator(), password, { passwd: "nope" }, browser);
    expect(wrong.status).toBe(200);
    expect(pageText(wrong)).toContain("Your account or password is incorrect.");
  });

  it("offers the accounts signed in before in this browser with prompt=select_account", async () => {
    const browser = new Browser();
    await codeFlow(emulator(), { browser });
    await codeFlow(emulator(), { browser, login: "alex@contoso.com", extra: { prompt: "login" } });
    const picker = await openAuthorize(emulator(), authorize({ prompt: "select_account" }), browser);
    expect(pageText(picker)).toContain("Pick an account");
    expect(pageText(picker)).toContain("support@contoso.com");
    expect(pageText(picker)).toContain("alex@contoso.com");
    const chosen = await submit(emulator(), picker, { account: SUPPORT }, browser);
    expect(callbackParams(chosen).get("code")).toBeTruthy();
  });

  it("pre-fills login_hint", async () => {
    const page = await openAuthorize(emulator(), authorize({ login_hint: "alex@contoso.com" }));
    expect(page.html).toContain('value="alex@contoso.com"');
  });

  it("posts the answer with response_mode=form_post", async () => {
    const browser = new Browser();
    await codeFlow(emulator(), { browser });
    const page = await openAuthorize(emulator(), authorize({ response_mode: "form_post" }), browser);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`action="${REDIRECT}"`);
    expect(page.html).toContain('name="code"');
  });
});

function authorize(extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({
    client_id: secretFields.client_id,
    response_type: "code",
    redirect_uri: REDIRECT,
    scope: "openid profile offline_access Mail.ReadWrite",
    state: "s",
    ...extra,
  });
  return `/common/oauth2/v2.0/authorize?${query.toString()}`;
}

/**
 * Test helper: drives the sign-in pages like a browser with plain fetch (cookies, forms, manual
 * redirects), for tests that need a real authorization code. Playwright drives the same pages by
 * role and label.
 */
import { createHash, randomBytes } from "node:crypto";
import { type EmulatorAddress, emulatorFetch } from "../testing/emulator-fetch.ts";

/** A cookie jar: what makes "accounts signed in before in this browser" work. */
export class Browser {
  readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  remember(setCookie: string | null): void {
    if (!setCookie) return;
    const [pair] = setCookie.split(";");
    const [name, ...value] = (pair ?? "").split("=");
    if (name) this.cookies.set(name.trim(), value.join("="));
  }
}

export interface Page {
  status: number;
  /** Redirect target, when the emulator answered 302. */
  location: string | null;
  html: string;
}

/** What the redirect URI received: the query (or fragment) parameters. */
export function callbackParams(page: Page): URLSearchParams {
  if (!page.location) throw new Error(`expected a redirect, got ${page.status}: ${pageText(page)}`);
  const url = new URL(page.location);
  return url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
}

/** The page's visible text, roughly (for assertions and error messages). */
export function pageText(page: Page): string {
  return page.html
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, " ")
    .trim();
}

async function toPage(
  response: Response | Awaited<ReturnType<typeof emulatorFetch>>,
  browser: Browser,
): Promise<Page> {
  browser.remember(response.headers.get("set-cookie"));
  return { status: response.status, location: response.headers.get("location"), html: await response.text() };
}

export async function openAuthorize(
  emulator: EmulatorAddress,
  url: string,
  browser = new Browser(),
): Promise<Page> {
  const response = await emulatorFetch(emulator, url, {
    redirect: "manual",
    headers: { cookie: browser.header() },
  });
  return toPage(response, browser);
}

/** Submits the page's form with its hidden fields plus `fields` (e.g. `{login}`, `{decision: "accept"}`). */
export async function submit(
  emulator: EmulatorAddress,
  page: Page,
  fields: Record<string, string>,
  browser: Browser,
): Promise<Page> {
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!action) throw new Error(`no form on the page: ${pageText(page)}`);
  const body = new URLSearchParams();
  for (const match of page.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    body.set(match[1]!, decodeEntities(match[2]!));
  for (const [key, value] of Object.entries(fields)) body.set(key, value);
  const response = await emulatorFetch(emulator, decodeEntities(action), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: browser.header() },
    body: body.toString(),
  });
  return toPage(response, browser);
}

const decodeEntities = (value: string) =>
  value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

export const isSignInPage = (page: Page) => page.html.includes('name="login" autocomplete="username"');
export const isPasswordPage = (page: Page) => page.html.includes('name="passwd"');
export const isConsentPage = (page: Page) => page.html.includes('value="accept"');

/**
 * The whole interactive sign-in: email, password, then consent (accept unless told otherwise)
 * when asked. Returns the last page (a redirect to the app, or an error page).
 */
export async function signIn(
  emulator: EmulatorAddress,
  authorizeUrl: string,
  options: { login: string; password: string; consent?: "accept" | "cancel"; browser?: Browser },
): Promise<Page> {
  const browser = options.browser ?? new Browser();
  let page = await openAuthorize(emulator, authorizeUrl, browser);
  if (isSignInPage(page)) page = await submit(emulator, page, { login: options.login }, browser);
  if (isPasswordPage(page)) page = await submit(emulator, page, { passwd: options.password }, browser);
  if (isConsentPage(page))
    page = await submit(emulator, page, { decision: options.consent ?? "accept" }, browser);
  return page;
}

/** A PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** `/{tenant}/oauth2/v2.0/authorize?…` with the usual parameters (override or drop with undefined). */
export function authorizeUrl(tenant: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  return `/${tenant}/oauth2/v2.0/authorize?${query.toString()}`;
}

/** POSTs a form to the token endpoint; returns status and parsed JSON. */
export async function tokenRequest(
  emulator: EmulatorAddress,
  tenant: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await emulatorFetch(emulator, `/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

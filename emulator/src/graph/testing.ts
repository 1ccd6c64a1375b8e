/**
 * Test helpers for the Graph tests: an emulator on a frozen clock, tokens from the identity
 * module's `issueAccessToken`, and `graph(path, init)` that sends the bearer token over HTTPS.
 */
import { readFileSync } from "node:fs";
import type { RequestInit, Response } from "undici";
import { createClock } from "../clock.ts";
import { issueAccessToken } from "../identity/tokens.ts";
import { MAILROOM_APP, SEED_IDS } from "../seed/default.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch } from "../testing/emulator-fetch.ts";

export const DELEGATED_SCOPES = [
  "openid",
  "profile",
  "offline_access",
  "User.Read",
  "Mail.ReadWrite",
  "Mail.Send",
];

export async function startEmulator(): Promise<Emulator> {
  return createEmulator({ clock: createClock({ timeScale: 0 }) });
}

/** A delegated Graph token for a seeded user (by key of SEED_IDS.users or a user id). */
export function userToken(emulator: Emulator, user: string, scopes = DELEGATED_SCOPES): string {
  const userId = (SEED_IDS.users as Record<string, string>)[user] ?? user;
  const mailbox = emulator.store.mailbox(userId);
  if (!mailbox) throw new Error(`no user ${user}`);
  return issueAccessToken(emulator.app.emulator, {
    tenantId: mailbox.tenantId,
    clientId: MAILROOM_APP.clientId,
    userId: mailbox.id,
    scopes,
  }).accessToken;
}

export function appToken(
  emulator: Emulator,
  tenantId: string,
  roles = ["Mail.ReadWrite", "Mail.Send", "User.Read.All"],
) {
  return issueAccessToken(emulator.app.emulator, {
    tenantId,
    clientId: MAILROOM_APP.clientId,
    scopes: roles,
    appOnly: true,
  }).accessToken;
}

export interface GraphInit {
  method?: string;
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  immutable?: boolean;
}

/** `fetch` against `/v1.0…` (or an absolute emulator URL) with the token and JSON body. */
export function graph(emulator: Emulator, path: string, init: GraphInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.immutable !== false)
    headers.prefer = [headers.prefer, 'IdType="ImmutableId"'].filter(Boolean).join(", ");
  const request: RequestInit = { method: init.method ?? "GET", headers };
  if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    request.body = JSON.stringify(init.body);
  }
  const url = path.startsWith("https://") ? path : path.startsWith("/") ? path : `/v1.0/${path}`;
  return emulatorFetch(emulator, url, request);
}

/** A documented example from emulator/fixtures/graph (sources in fixtures/SOURCES.md). */
export function graphFixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../fixtures/graph/${name}`, import.meta.url), "utf8")) as T;
}

/** A mailbox made through the control API (POST /_emulator/mailboxes); answers its id. */
export async function addMailbox(
  emulator: Emulator,
  userPrincipalName: string,
  displayName: string,
  tenant = "contoso.com",
): Promise<string> {
  const response = await emulatorFetch(emulator, "/_emulator/mailboxes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant, userPrincipalName, displayName }),
  });
  if (response.status !== 201) throw new Error(`could not add ${userPrincipalName}: ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

/** A control-API call with a JSON body; answers the response. */
export function control(emulator: Emulator, method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { "content-type": "application/json" };
    init.body = JSON.stringify(body);
  }
  return emulatorFetch(emulator, `/_emulator${path}`, init);
}

/** JSON body of a response, typed loosely for assertions. */
export async function json<T = Record<string, unknown>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

export interface MessageJson {
  id: string;
  subject: string;
  isRead: boolean;
  isDraft: boolean;
  conversationId: string;
  internetMessageId: string;
  parentFolderId: string;
  toRecipients: { emailAddress: { address: string; name: string } }[];
  ccRecipients: { emailAddress: { address: string; name: string } }[];
  from: { emailAddress: { address: string; name: string } } | null;
  body: { contentType: string; content: string };
  internetMessageHeaders?: { name: string; value: string }[];
  [key: string]: unknown;
}

export interface Page<T = MessageJson> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
  "@odata.count"?: number;
  "@odata.context"?: string;
}

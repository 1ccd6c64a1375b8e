/**
 * Who is calling which mailbox: Outlook's limits are kept per app id and mailbox
 * (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits). The app comes from
 * the bearer token's `appid`/`azp` claim, the mailbox from the URL (`/me` → the token's `oid`,
 * `/users/{id|upn}` → that user). The token is only decoded here, not verified: the Graph routes
 * verify it and answer 401 themselves; throttling only needs to know whose budget to charge.
 */
import { z } from "zod";
import type { Store } from "../store/store.ts";

export interface RequestTarget {
  /** Lower-case client id, when the request carries a decodable bearer token. */
  appId?: string;
  /** Lower-case mailbox (user) id, or the raw lower-case `/users/{…}` segment if unknown. */
  mailboxId?: string;
}

const TokenClaims = z.object({
  appid: z.string().optional(),
  azp: z.string().optional(),
  oid: z.string().optional(),
  idtyp: z.string().optional(),
});
type TokenClaims = z.infer<typeof TokenClaims>;

export const GRAPH_PREFIX = "/v1.0/";

/** The path without query string, e.g. `/v1.0/me/messages`. */
export function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** True for the `$batch` envelope itself (its items are requests of their own). */
export function isBatchEnvelope(path: string): boolean {
  return /^\/v1\.0\/(%24|\$)batch\/?$/i.test(path);
}

export function decodeBearerClaims(authorization: string | undefined): TokenClaims | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+([^.\s]+)\.([^.\s]+)\.[^.\s]*$/i.exec(authorization.trim());
  if (!match) return undefined;
  try {
    const parsed = TokenClaims.safeParse(JSON.parse(Buffer.from(match[2]!, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Resolves app and mailbox for a Graph request; `{}` for non-Graph paths. */
export function requestTarget(store: Store, url: string, authorization: string | undefined): RequestTarget {
  const path = pathOf(url);
  if (!path.startsWith(GRAPH_PREFIX)) return {};
  const claims = decodeBearerClaims(authorization);
  const appId = (claims?.appid ?? claims?.azp)?.toLowerCase();
  const [first, second] = path.slice(GRAPH_PREFIX.length).split("/");
  let mailboxId: string | undefined;
  if (first?.toLowerCase() === "me" && claims?.idtyp !== "app") {
    mailboxId = claims?.oid?.toLowerCase();
  } else if (first?.toLowerCase() === "users" && second) {
    const idOrUpn = safeDecode(second);
    mailboxId = (store.mailbox(idOrUpn)?.id ?? idOrUpn).toLowerCase();
  }
  return { appId, mailboxId };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

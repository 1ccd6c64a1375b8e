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

const BATCH_ENVELOPE = /^\/v1\.0\/(%24|\$)batch\/?$/i;

/** True for the `$batch` envelope itself (its items are requests of their own). */
export function isBatchEnvelope(path: string): boolean {
  // Cheap pre-check first: this runs for every request.
  return path.length <= 17 && path.length >= 12 && BATCH_ENVELOPE.test(path);
}

/**
 * Decoded claims by Authorization header. Decoding is a pure function of the header, and clients
 * send the same token for an hour, so throttling and faults decode each token once. Bounded: cleared
 * when full. Entries are shared: read them, never change them.
 */
const claimsCache = new Map<string, { authorization: string; claims: TokenClaims | undefined }>();
const CLAIMS_CACHE_LIMIT = 1_000;

export function decodeBearerClaims(authorization: string | undefined): TokenClaims | undefined {
  if (!authorization) return undefined;
  // Keyed by the header's tail (the token's signature): hashing a whole JWT costs microseconds.
  const key = authorization.length > 64 ? authorization.slice(-48) : authorization;
  const cached = claimsCache.get(key);
  if (cached?.authorization === authorization) return cached.claims;
  const claims = decodeClaims(authorization);
  if (claimsCache.size >= CLAIMS_CACHE_LIMIT) claimsCache.clear();
  claimsCache.set(key, { authorization, claims });
  return claims;
}

function decodeClaims(authorization: string): TokenClaims | undefined {
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

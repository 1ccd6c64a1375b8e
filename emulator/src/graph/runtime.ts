/**
 * Graph's runtime state that is not part of the mailbox data: the verified-token cache, the
 * external outbound sink and open upload sessions. One per store (so per emulator), dropped on
 * reset. Not persisted: an upload session or a sink entry does not survive a restart.
 */
import type { Store } from "../store/store.ts";
import type { GraphPrincipal } from "./principal.ts";

/** A message sent to an address no emulated mailbox receives at (`GET /_emulator/outbound`). */
export interface OutboundMessage {
  id: string;
  sentDateTime: string;
  fromMailboxId: string;
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  bcc: string[];
  /** The external addresses this copy went to (subset of to + cc + bcc). */
  recipients: string[];
  subject: string;
  body: { contentType: "text" | "html"; content: string };
  internetMessageId: string;
  inReplyTo: string | null;
  references: string[];
  attachments: { name: string; contentType: string; size: number; isInline: boolean }[];
  internetMessageHeaders: { name: string; value: string }[];
}

export interface UploadSession {
  id: string;
  authToken: string;
  mailboxId: string;
  messageId: string;
  name: string;
  /** As given in AttachmentItem; null: recognised from the bytes when the upload completes. */
  contentType: string | null;
  size: number;
  isInline: boolean;
  contentId: string | null;
  expiresAt: number;
  received: Buffer[];
  nextOffset: number;
}

export interface CachedPrincipal {
  /** The whole token (the map key is only its tail, see `tokenCacheKey`). */
  token: string;
  principal: GraphPrincipal;
  /** Epoch seconds (the token's exp / iat claims). */
  exp: number;
  iat: number;
}

/**
 * Map key for a bearer token: its last 48 characters (the signature's tail, unique per token), so a
 * lookup hashes 48 characters rather than a whole JWT of a kilobyte or more (a fresh header string
 * every request, whose hash V8 computes each time). Entries keep the token: compare before use.
 */
export function tokenCacheKey(token: string): string {
  return token.length > 64 ? token.slice(-48) : token;
}

export interface GraphRuntime {
  /** Verified tokens by `tokenCacheKey`. */
  tokens: Map<string, CachedPrincipal>;
  outbound: OutboundMessage[];
  uploads: Map<string, UploadSession>;
}

const runtimes = new WeakMap<Store, GraphRuntime>();

export function graphRuntime(store: Store): GraphRuntime {
  let runtime = runtimes.get(store);
  if (!runtime) {
    const fresh: GraphRuntime = { tokens: new Map(), outbound: [], uploads: new Map() };
    store.onReset(() => {
      fresh.tokens.clear();
      fresh.outbound.length = 0;
      fresh.uploads.clear();
    });
    runtimes.set(store, fresh);
    runtime = fresh;
  }
  return runtime;
}

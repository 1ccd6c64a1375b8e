/**
 * Graph's runtime state that is not part of the mailbox data: the verified-token cache, the
 * external outbound sink, open upload sessions, and sending limits with each mailbox's recent
 * submissions. One per store (so per emulator), dropped on reset. Not persisted: an upload
 * session, a sink entry or a message held in the Outbox does not survive a restart.
 */
import type { Cancel } from "../clock.ts";
import type { Store } from "../store/store.ts";
import type { GraphPrincipal } from "./principal.ts";
import { EXCHANGE_ONLINE_SENDING_LIMITS, type SendingLimits, type Submission } from "./send-limits.ts";

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

/** A message held in the Outbox past the message rate, leaving at `at`. */
export interface DeferredSend {
  messageId: string;
  mailboxId: string;
  at: number;
  cancel: Cancel;
}

export interface SendingState {
  limits: SendingLimits;
  /** Per mailbox id: the last day's submissions, oldest first. */
  submissions: Map<string, Submission[]>;
  /** By message id. */
  deferred: Map<string, DeferredSend>;
}

export interface GraphRuntime {
  /** Verified tokens by `tokenCacheKey`. */
  tokens: Map<string, CachedPrincipal>;
  outbound: OutboundMessage[];
  uploads: Map<string, UploadSession>;
  sending: SendingState;
}

const runtimes = new WeakMap<Store, GraphRuntime>();

export function graphRuntime(store: Store): GraphRuntime {
  let runtime = runtimes.get(store);
  if (!runtime) {
    const fresh: GraphRuntime = {
      tokens: new Map(),
      outbound: [],
      uploads: new Map(),
      sending: { limits: EXCHANGE_ONLINE_SENDING_LIMITS, submissions: new Map(), deferred: new Map() },
    };
    store.onReset(() => {
      fresh.tokens.clear();
      fresh.outbound.length = 0;
      fresh.uploads.clear();
      for (const held of fresh.sending.deferred.values()) held.cancel();
      fresh.sending = { limits: EXCHANGE_ONLINE_SENDING_LIMITS, submissions: new Map(), deferred: new Map() };
    });
    runtimes.set(store, fresh);
    runtime = fresh;
  }
  return runtime;
}

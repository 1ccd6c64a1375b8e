/**
 * Delta sync state (owned by `src/graph/`). Every `$deltatoken` and `$skiptoken` the emulator hands
 * out is one record here, keyed by the opaque token string. Removing a record (eviction) makes the
 * next request with it answer 410 SyncStateNotFound, as Exchange does when it drops a sync state.
 */

/** What a page of a round reports for one message. */
export type DeltaEntryKind = "present" | "removed";

export interface DeltaEntry {
  /** Immutable message id. */
  id: string;
  kind: DeltaEntryKind;
  /** For `removed` entries: the folder the message left, to derive its regular (non-immutable) id. */
  folderId?: string;
}

interface DeltaTokenBase {
  token: string;
  mailboxId: string;
  folderId: string;
  /** `$select` and `$filter` from the first request, baked into the links as Graph does. */
  select: string[] | null;
  filter: string | null;
  /** `$orderby=receivedDateTime desc` (the only one delta supports) from the first request; absent = unordered. */
  orderBy?: "receivedDateTime desc" | null;
  /** `$expand=attachments(…)` from the first request: the nested `$select`, null for every property. */
  expand?: { select: string[] | null } | null;
  /** Graph's custom `changeType` query option (created | updated | deleted), or null. */
  changeType: "created" | "updated" | "deleted" | null;
  createdAt: number;
}

/** A `$deltatoken`: the next round returns changes with seq > `seq`. */
export interface DeltaLinkToken extends DeltaTokenBase {
  kind: "delta";
  seq: number;
}

/**
 * A `$skiptoken`: the rest of a round. `entries` is computed once when the round starts (shared by
 * every page of that round); `offset` is where this page starts; `seq` becomes the deltaLink's.
 */
export interface SkipToken extends DeltaTokenBase {
  kind: "skip";
  roundId: string;
  seq: number;
  entries: DeltaEntry[];
  offset: number;
}

/** What `store.state.deltaTokens` holds (the name is the store's). */
export type DeltaToken = DeltaLinkToken | SkipToken;

/**
 * Delta sync state (owned by `src/graph/`; extend freely). A token pins a folder's change log at a
 * sequence number; removing the record (eviction) makes the next request answer 410
 * SyncStateNotFound.
 */
export interface DeltaToken {
  token: string;
  mailboxId: string;
  folderId: string;
  /** Changes with seq > this are what the next round returns. */
  seq: number;
  /** `$select` and `$filter` from the first request, baked into the links as Graph does. */
  select: string[] | null;
  filter: string | null;
  createdAt: number;
}

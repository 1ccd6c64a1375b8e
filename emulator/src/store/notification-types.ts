/**
 * Change-notification subscription records (owned by `src/notifications/`; extend freely).
 * Field names follow Graph's `subscription` resource; times are virtual epoch ms. Delivery queues,
 * retries, faults and statistics are runtime state in `src/notifications/runtime.ts`, not here.
 */
export type SubscriptionChangeType = "created" | "updated" | "deleted";

export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";

export interface Subscription {
  id: string;
  /** Mailbox whose changes this subscription watches. */
  mailboxId: string;
  tenantId: string;
  /** App that created it (the token's appid / azp): Graph's `applicationId`. */
  clientId: string;
  /** The signed-in user (delegated) or the app's service principal (app-only): Graph's `creatorId`. */
  creatorId: string;
  /** As given, e.g. `/me/mailFolders('inbox')/messages`. */
  resource: string;
  /** Folder it is scoped to, or null for all the mailbox's messages. */
  folderId: string | null;
  changeTypes: SubscriptionChangeType[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  latestSupportedTlsVersion: string;
  expiresAt: number;
  createdAt: number;
  /** Expiry of the access token the subscription was created, renewed or reauthorized with. */
  authorizedUntil: number;
  /** True while a reauthorizationRequired challenge is unanswered past the token's expiry. */
  paused: boolean;
}

/**
 * Change-notification subscription records (owned by `src/notifications/`; extend freely).
 * Field names follow Graph's `subscription` resource; times are virtual epoch ms.
 */
export interface Subscription {
  id: string;
  /** Mailbox whose changes this subscription watches. */
  mailboxId: string;
  tenantId: string;
  /** App that created it (the token's appid / azp). */
  clientId: string;
  /** As given, e.g. `/me/mailFolders('inbox')/messages`. */
  resource: string;
  /** Folder it is scoped to, or null for all the mailbox's messages. */
  folderId: string | null;
  changeTypes: ("created" | "updated" | "deleted")[];
  notificationUrl: string;
  lifecycleNotificationUrl: string | null;
  clientState: string | null;
  latestSupportedTlsVersion: string;
  expiresAt: number;
  createdAt: number;
}

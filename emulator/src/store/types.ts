/**
 * The emulator's state: plain, JSON-friendly records kept in Maps. Identity, delta and
 * notification records live in their own files (owned by those modules) and are collected in
 * `State` below.
 */
import type {
  FollowupFlag,
  Importance,
  InternetMessageHeader,
  ItemBody,
  Recipient,
} from "@microsoft/microsoft-graph-types";
import type { DeltaToken } from "./delta-types.ts";
import type { AuthCode, Consent, RefreshToken } from "./identity-types.ts";
import type { Subscription } from "./notification-types.ts";

export interface Tenant {
  /** Directory (tenant) id, a GUID: the `tid` claim. */
  id: string;
  /** Primary verified domain, e.g. `contoso.com`; also accepted in place of the id in URLs. */
  domain: string;
  displayName: string;
  /** `organization` for Entra tenants; `personal` for the Microsoft account (consumers) tenant. */
  kind: "organization" | "personal";
  /**
   * Exchange Online org setting: may users send from their proxyAddresses aliases? Off: an alias
   * `from` is rewritten to the primary address.
   */
  sendFromAliasEnabled: boolean;
  /** The organisation's maximum message size in MB (Exchange Online's default: 35; at most 150). */
  maxMessageSizeMB: number;
}

export type SignInAudience =
  | "AzureADMyOrg"
  | "AzureADMultipleOrgs"
  | "AzureADandPersonalMicrosoftAccount"
  | "PersonalMicrosoftAccount";

export interface AppSecret {
  /** keyId GUID: what people paste by mistake instead of the value (AADSTS7000215). */
  id: string;
  displayName: string;
  /** SHA-256 hex of the secret value (see `hashSecret`); the value itself is never stored. */
  valueHash: string;
  /** First three characters of the value, as the Entra portal shows. */
  hint: string;
  startsAt: number;
  expiresAt: number;
}

export interface AppRegistration {
  /** Application (client) id, a GUID. */
  clientId: string;
  /** Home tenant of the registration. */
  tenantId: string;
  displayName: string;
  redirectUris: string[];
  signInAudience: SignInAudience;
  secrets: AppSecret[];
}

export type WellKnownFolderName =
  | "msgfolderroot"
  | "inbox"
  | "sentitems"
  | "drafts"
  | "deleteditems"
  | "junkemail"
  | "archive"
  | "outbox"
  | "clutter";

export interface StoredAttachment {
  "@odata.type": "#microsoft.graph.fileAttachment";
  id: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  lastModifiedDateTime: string;
  /** Base64 content, as Graph's fileAttachment.contentBytes. */
  contentBytes: string;
}

/**
 * A message as Graph's `message` resource (field names and types match
 * @microsoft/microsoft-graph-types `Message`), minus navigation properties except attachments.
 * `id` is immutable: it survives moves (the Graph layer decides how to expose it).
 */
export interface StoredMessage {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  receivedDateTime: string;
  sentDateTime: string;
  hasAttachments: boolean;
  internetMessageId: string;
  subject: string;
  bodyPreview: string;
  importance: Importance;
  parentFolderId: string;
  conversationId: string;
  conversationIndex: string;
  isDeliveryReceiptRequested: boolean;
  isReadReceiptRequested: boolean;
  isRead: boolean;
  isDraft: boolean;
  webLink: string;
  inferenceClassification: "focused" | "other";
  body: ItemBody & { contentType: "text" | "html"; content: string };
  sender: Recipient | null;
  from: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  flag: FollowupFlag;
  /** RFC 5322 headers, including Message-ID, In-Reply-To and References when known. */
  internetMessageHeaders: InternetMessageHeader[];
  attachments: StoredAttachment[];
}

export interface MailFolder {
  id: string;
  /** Graph's well-known name, or null for user-created folders. */
  wellKnownName: WellKnownFolderName | null;
  /** Localised per the mailbox's preferredLanguage for well-known folders. */
  displayName: string;
  parentFolderId: string | null;
  isHidden: boolean;
  /** Messages in this folder by (immutable) id, in insertion order. */
  messages: Map<string, StoredMessage>;
}

export type ChangeKind = "created" | "updated" | "deleted" | "moved";

/**
 * One entry of a mailbox's change log. `seq` increases by one per change within a mailbox.
 * For `moved`, `folderId` is the destination and `fromFolderId` the source.
 */
export interface ChangeEvent {
  seq: number;
  at: number;
  kind: ChangeKind;
  messageId: string;
  folderId: string;
  fromFolderId?: string;
}

/** A change as seen by store-level listeners. */
export interface MailboxChange extends ChangeEvent {
  mailboxId: string;
  tenantId: string;
}

/**
 * An Exchange mailbox permission to send from an address that is not one of the mailbox's own:
 * Send As (`from` = sender = the address) or Send on Behalf (`onBehalf`: `from` = the address,
 * `sender` = this mailbox). https://learn.microsoft.com/graph/outlook-send-mail-from-other-user
 */
export interface SendAsGrant {
  /** Lower-case SMTP address. */
  address: string;
  onBehalf: boolean;
}

/** A user and their Exchange mailbox: `id` is both the Graph user id and the token `oid`. */
export interface Mailbox {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  mail: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  /** Emulator-only: the sign-in password, in clear (documented seed data, never real secrets). */
  password: string;
  /** Refresh tokens issued before this time are invalid (AADSTS50173). */
  passwordChangedAt: number;
  /** Emulator-only: may grant tenant-wide (admin) consent. */
  isAdmin: boolean;
  /** `SMTP:` primary, `smtp:` aliases, plus other types (`X500:`, `SIP:`…) as Exchange returns. */
  proxyAddresses: string[];
  otherMails: string[];
  preferredLanguage: string;
  /** Send As / Send on Behalf rights for addresses other than the mailbox's own. */
  sendAs: SendAsGrant[];
  folders: Map<string, MailFolder>;
  /** Last sequence number handed out; 0 before any change. */
  changeSeq: number;
  /** Retained change log, oldest first; events with seq ≤ changeLogFloor were pruned. */
  changes: ChangeEvent[];
  changeLogFloor: number;
}

export interface EndpointCounter {
  count: number;
  byStatus: Record<string, number>;
}

export interface State {
  tenants: Map<string, Tenant>;
  mailboxes: Map<string, Mailbox>;
  apps: Map<string, AppRegistration>;
  /** Keyed by `consentKey(userId, clientId)` (tenant-wide admin consent: userId `*`). */
  consents: Map<string, Consent>;
  authCodes: Map<string, AuthCode>;
  refreshTokens: Map<string, RefreshToken>;
  subscriptions: Map<string, Subscription>;
  deltaTokens: Map<string, DeltaToken>;
  /** `METHOD /route/pattern` → count; not persisted. */
  counters: Map<string, EndpointCounter>;
}

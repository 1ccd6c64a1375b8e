import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { orgIdColumn, user } from "../accounts/schema.ts";
import { at, oneOf } from "../db/columns.ts";
import { IDENTITY_PROBLEMS } from "../microsoft/classify-identity-error.ts";

/** The states and kinds the channel tables hold, typed and checked in the database (ADR 014). */
export const CHANNEL_PROVIDERS = ["outlook"] as const;
export const CHANNEL_STATUSES = ["connected", "needs_reauth", "disconnected"] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];
/**
 * Why a channel needs attention: Microsoft's refusal, classified; our own app missing; the org's
 * BYOC client id or secret replaced in Mailroom (the grant belongs to the old app); or Graph still
 * refusing a token that was just refreshed.
 */
export const STATUS_REASONS = [
  ...IDENTITY_PROBLEMS,
  "credentials_missing",
  "credentials_changed",
  "graph_unauthorized",
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];
/** Which app a channel (or a connect in progress) uses: ours, or the org's own (BYOC). */
export const CREDENTIAL_SOURCES = ["platform", "byoc"] as const;
export type CredentialSource = (typeof CREDENTIAL_SOURCES)[number];
/** Where Microsoft listed an alias (channels/discover-aliases.ts). */
export const ALIAS_SOURCES = ["proxyAddresses", "mail", "otherMails", "userPrincipalName"] as const;
export type AliasSource = (typeof ALIAS_SOURCES)[number];
export const OAUTH_PURPOSES = ["connect", "reconnect"] as const;
export type OAuthPurpose = (typeof OAUTH_PURPOSES)[number];
/** Where the person started a connect, and returns to. */
export const RETURN_TO = ["onboarding", "channels", "credentials"] as const;
export type ReturnTo = (typeof RETURN_TO)[number];

/**
 * An organisation's own Azure app registration (BYOC). One per org; it serves all the org's
 * Outlook channels. The secret is sealed (secret box, context `ms-credentials:<id>`); only its
 * first characters are kept in clear, as the Azure portal shows them.
 */
export const microsoftCredentials = pgTable(
  "microsoft_credentials",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    clientId: text("client_id").notNull(),
    clientSecretSealed: text("client_secret_sealed").notNull(),
    secretHint: text("secret_hint").notNull(),
    /** "common" unless the app is single-tenant: then its directory (tenant) id. */
    tenant: text("tenant").notNull().default("common"),
    createdBy: text("created_by").references(() => user.id, { onDelete: "set null" }),
    createdAt: at("created_at").defaultNow().notNull(),
    secretUpdatedAt: at("secret_updated_at").defaultNow().notNull(),
    /** When the secret expires (end of the day Azure shows), as entered; null when not given. */
    secretExpiresAt: at("secret_expires_at"),
    updatedAt: at("updated_at").defaultNow().notNull(),
  },
  (t) => [uniqueIndex("microsoft_credentials_org_uidx").on(t.orgId)],
);

/**
 * Reminders to the org's admins that the BYOC client secret expires soon: one per threshold (30, 7,
 * 1 days) and per expiry date, so a new secret with a new date is reminded afresh.
 */
export const credentialReminders = pgTable(
  "credential_reminders",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    credentialsId: uuid("credentials_id")
      .notNull()
      .references(() => microsoftCredentials.id, { onDelete: "cascade" }),
    daysBefore: integer("days_before").notNull(),
    secretExpiresAt: at("secret_expires_at").notNull(),
    createdAt: at("created_at").defaultNow().notNull(),
  },
  (t) => [uniqueIndex("credential_reminders_uidx").on(t.credentialsId, t.daysBefore, t.secretExpiresAt)],
);

/**
 * A connected mailbox. The same Microsoft user and tenant in one org is one channel for life:
 * reconnecting (after revocation, a password change, a rotated secret) updates this row, so
 * settings, aliases, inbox links, conversations and the sync position stay.
 */
export const channels = pgTable(
  "channels",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    provider: text("provider", { enum: CHANNEL_PROVIDERS }).notNull().default("outlook"),
    status: text("status", { enum: CHANNEL_STATUSES }).notNull().default("connected"),
    /** Why it needs attention, or null. */
    statusReason: text("status_reason", { enum: STATUS_REASONS }),
    statusChangedAt: at("status_changed_at").defaultNow().notNull(),
    /** Which app it was connected with. */
    credentialSource: text("credential_source", { enum: CREDENTIAL_SOURCES }).notNull(),
    credentialsId: uuid("credentials_id").references(() => microsoftCredentials.id, { onDelete: "restrict" }),
    clientId: text("client_id").notNull(),
    msTenantId: text("ms_tenant_id").notNull(),
    msUserId: text("ms_user_id").notNull(),
    email: text("email").notNull(),
    mailboxName: text("mailbox_name"),
    // Settings
    displayName: text("display_name").notNull(),
    signature: text("signature").notNull().default(""),
    autoBcc: text("auto_bcc"),
    undoSendSeconds: integer("undo_send_seconds").notNull().default(10),
    // Tokens (sealed, context `channel:<id>:refresh_token` / `:access_token`)
    refreshTokenSealed: text("refresh_token_sealed"),
    accessTokenSealed: text("access_token_sealed"),
    accessTokenExpiresAt: at("access_token_expires_at"),
    scopes: text("scopes").notNull().default(""),
    connectedBy: text("connected_by").references(() => user.id, { onDelete: "set null" }),
    connectedAt: at("connected_at").defaultNow().notNull(),
    aliasesRefreshedAt: at("aliases_refreshed_at"),
    createdAt: at("created_at").defaultNow().notNull(),
    updatedAt: at("updated_at").defaultNow().notNull(),
  },
  (t) => [
    uniqueIndex("channels_org_mailbox_uidx").on(t.orgId, t.msTenantId, t.msUserId),
    index("channels_org_idx").on(t.orgId),
    index("channels_credentials_idx").on(t.credentialsId),
    check("channels_undo_send_range", sql`${t.undoSendSeconds} between 0 and 30`),
    check("channels_provider_check", oneOf(t.provider, CHANNEL_PROVIDERS)),
    check("channels_status_check", oneOf(t.status, CHANNEL_STATUSES)),
    check("channels_status_reason_check", oneOf(t.statusReason, STATUS_REASONS)),
    check("channels_credential_source_check", oneOf(t.credentialSource, CREDENTIAL_SOURCES)),
  ],
);

/** Every SMTP address the mailbox may send from, discovered from Graph /me. */
export const channelAliases = pgTable(
  "channel_aliases",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    address: text("address").notNull(),
    addressLower: text("address_lower").notNull(),
    isPrimary: boolean("is_primary").notNull().default(false),
    source: text("source", { enum: ALIAS_SOURCES }).notNull(),
    discoveredAt: at("discovered_at").defaultNow().notNull(),
  },
  (t) => [
    uniqueIndex("channel_aliases_channel_address_uidx").on(t.channelId, t.addressLower),
    check("channel_aliases_source_check", oneOf(t.source, ALIAS_SOURCES)),
  ],
);

/**
 * OAuth `state`: a random single-use record bound to the session, org and purpose, expiring in
 * 10 minutes. Only the state's SHA-256 is stored; the PKCE verifier is sealed. The callback takes
 * org, channel and credentials from here, never from the query string.
 */
export const oauthStates = pgTable(
  "oauth_states",
  {
    stateHash: text("state_hash").primaryKey(),
    orgId: orgIdColumn(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    /** SHA-256 of the session token: the callback must come from the same browser session. */
    sessionHash: text("session_hash").notNull(),
    purpose: text("purpose", { enum: OAUTH_PURPOSES }).notNull(),
    /** For reconnect: the channel to update (the mailbox must match). */
    channelId: uuid("channel_id").references(() => channels.id, { onDelete: "cascade" }),
    returnTo: text("return_to", { enum: RETURN_TO }).notNull(),
    credentialSource: text("credential_source", { enum: CREDENTIAL_SOURCES }).notNull(),
    credentialsId: uuid("credentials_id").references(() => microsoftCredentials.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    codeVerifierSealed: text("code_verifier_sealed").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    createdAt: at("created_at").defaultNow().notNull(),
    expiresAt: at("expires_at").notNull(),
    consumedAt: at("consumed_at"),
  },
  (t) => [
    index("oauth_states_expires_idx").on(t.expiresAt),
    check("oauth_states_purpose_check", oneOf(t.purpose, OAUTH_PURPOSES)),
    check("oauth_states_return_to_check", oneOf(t.returnTo, RETURN_TO)),
    check("oauth_states_credential_source_check", oneOf(t.credentialSource, CREDENTIAL_SOURCES)),
  ],
);

/** What the channel audit records (ADR 020). */
export const CHANNEL_AUDIT_ACTIONS = ["needs_reauth", "reconnected", "reconnect_refused"] as const;
export type ChannelAuditAction = (typeof CHANNEL_AUDIT_ACTIONS)[number];

/**
 * What happened to a channel's connection and when: the moment Microsoft stopped accepting it (and
 * why), each reconnect, each refused reconnect. Small, append-only, org-scoped.
 */
export const channelAudit = pgTable(
  "channel_audit",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    channelId: uuid("channel_id")
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    action: text("action", { enum: CHANNEL_AUDIT_ACTIONS }).notNull(),
    reason: text("reason"),
    /** Who acted (reconnects); null when Microsoft's answer or a job set it. */
    userId: text("user_id").references(() => user.id, { onDelete: "set null" }),
    at: at("at").defaultNow().notNull(),
  },
  (t) => [
    index("channel_audit_channel_idx").on(t.orgId, t.channelId, t.at),
    check("channel_audit_action_check", oneOf(t.action, CHANNEL_AUDIT_ACTIONS)),
  ],
);

/** The channel a row belongs to, deleted with it (mail, sync and inbox tables). */
export const channelIdColumn = () =>
  uuid("channel_id")
    .notNull()
    .references(() => channels.id, { onDelete: "cascade" });

/**
 * "At most 4 concurrent Graph requests per mailbox across the cluster": each in-flight request
 * holds one of a channel's slots (0–3). A slot whose holder died frees itself when it expires
 * (graph-slots.ts).
 */
export const graphRequestSlots = pgTable(
  "graph_request_slots",
  {
    channelId: channelIdColumn(),
    slot: integer("slot").notNull(),
    holder: text("holder").notNull(),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.slot] })],
);

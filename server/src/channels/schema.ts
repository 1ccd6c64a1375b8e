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
import { at } from "../db/columns.ts";

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
    updatedAt: at("updated_at").defaultNow().notNull(),
  },
  (t) => [uniqueIndex("microsoft_credentials_org_uidx").on(t.orgId)],
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
    provider: text("provider").notNull().default("outlook"),
    /** connected | needs_reauth | disconnected */
    status: text("status").notNull().default("connected"),
    /** Why it needs attention (an IdentityProblem), or null. */
    statusReason: text("status_reason"),
    statusChangedAt: at("status_changed_at").defaultNow().notNull(),
    /** platform | byoc — and which app it was connected with. */
    credentialSource: text("credential_source").notNull(),
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
    source: text("source").notNull(),
    discoveredAt: at("discovered_at").defaultNow().notNull(),
  },
  (t) => [uniqueIndex("channel_aliases_channel_address_uidx").on(t.channelId, t.addressLower)],
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
    /** connect | reconnect */
    purpose: text("purpose").notNull(),
    /** For reconnect: the channel to update (the mailbox must match). */
    channelId: uuid("channel_id").references(() => channels.id, { onDelete: "cascade" }),
    /** Where the person started: onboarding | channels */
    returnTo: text("return_to").notNull(),
    credentialSource: text("credential_source").notNull(),
    credentialsId: uuid("credentials_id").references(() => microsoftCredentials.id, { onDelete: "cascade" }),
    clientId: text("client_id").notNull(),
    codeVerifierSealed: text("code_verifier_sealed").notNull(),
    redirectUri: text("redirect_uri").notNull(),
    createdAt: at("created_at").defaultNow().notNull(),
    expiresAt: at("expires_at").notNull(),
    consumedAt: at("consumed_at"),
  },
  (t) => [index("oauth_states_expires_idx").on(t.expiresAt)],
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

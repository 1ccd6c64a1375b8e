import { z } from "zod";
import { defineRoute } from "./route.ts";
import { isoDateTime, noContent } from "./scalars.ts";

/** platform: Mailroom's own Microsoft app; byoc: the organization's app registration. */
export const credentialSource = z.enum(["platform", "byoc"]);
export type CredentialSource = z.infer<typeof credentialSource>;

/** connected | needs_reauth | disconnected. */
export type ChannelStatus = "connected" | "needs_reauth" | "disconnected";

export const inboxRef = z.object({ id: z.string(), name: z.string(), color: z.string() });
export type InboxRef = z.infer<typeof inboxRef>;

export const channelSummary = z.object({
  id: z.string(),
  provider: z.literal("outlook"),
  email: z.string(),
  displayName: z.string(),
  mailboxName: z.string().nullable(),
  /** A `ChannelStatus`; kept open so a new state doesn't break older pages. */
  status: z.string(),
  statusReason: z.string().nullable(),
  /** Since when it has been in this state ("Needs reconnecting since …"). */
  statusChangedAt: isoDateTime,
  credentialSource,
  clientId: z.string(),
  connectedAt: isoDateTime.nullable(),
  /** The shared inboxes it feeds that the viewer can see. */
  inboxes: z.array(inboxRef),
});
export type ChannelSummary = z.infer<typeof channelSummary>;

export const channelAlias = z.object({ address: z.string(), isPrimary: z.boolean(), source: z.string() });
export type ChannelAlias = z.infer<typeof channelAlias>;

export const channelDetail = channelSummary.extend({
  signature: z.string(),
  autoBcc: z.string().nullable(),
  undoSendSeconds: z.number().int(),
  aliases: z.array(channelAlias),
  aliasesRefreshedAt: isoDateTime.nullable(),
  connectedBy: z.object({ name: z.string(), email: z.string() }).nullable(),
});
export type ChannelDetail = z.infer<typeof channelDetail>;

/** What the channel's settings form may change; fields left out stay as they are. */
export const channelSettingsInput = z
  .object({
    displayName: z.string().trim().min(1, "Enter the name customers see as the sender").max(100).optional(),
    signature: z.string().max(10_000, "Keep the signature under 10,000 characters").optional(),
    autoBcc: z.email("Enter one email address, or leave it empty").max(320).nullable().optional(),
    undoSendSeconds: z
      .number()
      .int()
      .min(0, "Between 0 and 30 seconds")
      .max(30, "Between 0 and 30 seconds")
      .optional(),
  })
  .strict();
export type ChannelSettingsInput = z.input<typeof channelSettingsInput>;

export const permission = z.object({ scope: z.string(), label: z.string(), reason: z.string() });
export type Permission = z.infer<typeof permission>;

/** The organization's own app registration, masked: the secret's first characters only. */
export const byocSummary = z.object({
  clientId: z.string(),
  secretHint: z.string(),
  tenant: z.string(),
  createdAt: isoDateTime,
  secretUpdatedAt: isoDateTime,
  /** When the client secret expires, as the admin entered it from Azure; null when not given. */
  secretExpiresAt: isoDateTime.nullable(),
});
export type ByocSummary = z.infer<typeof byocSummary>;

export const connectOptions = z.object({
  canConnect: z.boolean(),
  platformAvailable: z.boolean(),
  redirectUri: z.string(),
  permissions: z.array(permission),
  /** Only sent to owners and admins. */
  byoc: byocSummary.nullable(),
});
export type ConnectOptions = z.infer<typeof connectOptions>;

export const returnTo = z.enum(["onboarding", "channels"]);
export type ReturnTo = z.infer<typeof returnTo>;

export const credentialsView = byocSummary.extend({
  channels: z.array(z.object({ id: z.string(), email: z.string(), status: z.string() })),
});
export type CredentialsView = z.infer<typeof credentialsView>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The BYOC form: the app registration's client id and secret, its tenant, and the redirect URI. */
export const credentialsInput = z.object({
  clientId: z
    .string()
    .trim()
    .regex(GUID, "Paste the Application (client) ID from the app's Overview page: a GUID like 1b2c3d4e-…"),
  clientSecret: z
    .string()
    .trim()
    .min(1, "Paste the client secret's Value")
    .max(512)
    .refine((s) => !GUID.test(s), {
      message:
        "This looks like the secret's ID. Paste its Value instead (shown once, when you created the secret).",
    }),
  tenant: z
    .string()
    .trim()
    .max(255)
    .regex(/^[A-Za-z0-9.-]*$/, "Use the Directory (tenant) ID or a domain like contoso.onmicrosoft.com")
    .optional()
    .transform((t) => (t ? t : "common")),
  /**
   * The secret's expiry date as Azure shows it when the secret is created (YYYY-MM-DD): admins
   * are reminded 30, 7 and 1 days before.
   */
  secretExpiresOn: z.iso
    .date("Enter the date Azure shows under “Expires” for this secret")
    .refine((d) => d >= new Date().toISOString().slice(0, 10), {
      message: "This secret has already expired. Create a new one in Azure and paste it here.",
    })
    .nullish(),
  redirectUriConfirmed: z.literal(true, {
    message: "Confirm that you added this redirect URI to your app registration",
  }),
});
export type CredentialsInput = z.input<typeof credentialsInput>;

const idParams = z.object({ id: z.string() });
const channelBody = z.object({ channel: channelDetail });

/** Outlook channels: connecting, BYOC credentials, settings and aliases (server/src/channels/). */
export const channelRoutes = {
  listChannels: defineRoute({
    method: "GET",
    path: "/api/channels",
    response: { 200: z.object({ channels: z.array(channelSummary) }) },
  }),
  getChannel: defineRoute({
    method: "GET",
    path: "/api/channels/:id",
    params: idParams,
    response: { 200: channelBody },
  }),
  updateChannel: defineRoute({
    method: "PATCH",
    path: "/api/channels/:id",
    params: idParams,
    body: channelSettingsInput,
    response: { 200: channelBody },
  }),
  refreshAliases: defineRoute({
    method: "POST",
    path: "/api/channels/:id/aliases/refresh",
    params: idParams,
    response: { 200: z.object({ aliases: z.array(channelAlias) }) },
  }),
  /** Keep: the channel stays, disconnected, with its conversations; otherwise both go. */
  disconnectChannel: defineRoute({
    method: "DELETE",
    path: "/api/channels/:id",
    params: idParams,
    query: z.object({ keepConversations: z.enum(["true", "false"]).default("true") }),
    response: { 204: noContent },
  }),

  getConnectOptions: defineRoute({
    method: "GET",
    path: "/api/outlook/connect-options",
    response: { 200: connectOptions },
  }),
  /** Where to send the browser: Microsoft's consent page. */
  startConnect: defineRoute({
    method: "POST",
    path: "/api/outlook/connect",
    body: z.object({ returnTo, credentials: credentialSource.optional() }),
    response: { 200: z.object({ authorizeUrl: z.string() }) },
  }),

  getCredentials: defineRoute({
    method: "GET",
    path: "/api/outlook/credentials",
    response: { 200: z.object({ credentials: credentialsView.nullable(), redirectUri: z.string() }) },
  }),
  saveCredentials: defineRoute({
    method: "PUT",
    path: "/api/outlook/credentials",
    body: credentialsInput,
    response: { 200: z.object({ credentials: credentialsView }) },
  }),
  removeCredentials: defineRoute({
    method: "DELETE",
    path: "/api/outlook/credentials",
    response: { 204: noContent },
  }),
};

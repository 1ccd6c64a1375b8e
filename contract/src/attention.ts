import { z } from "zod";
import { defineRoute } from "./route.ts";
import { isoDateTime } from "./scalars.ts";

/**
 * Channels that need someone to act (issue 12): shown to every member in the banner, with the
 * reason in plain words. Owners and admins reconnect; members are told which admin to ask.
 */

/** What fixes it: sign in again; update the org's client secret first; or an admin acts in Azure. */
export type AttentionAction = "reconnect" | "update_secret" | "azure";

export interface AttentionWords {
  /** Why, in plain words, completing "{mailbox} isn't syncing: …". */
  reason: string;
  action: AttentionAction;
}

const RECONNECT = "reconnect" as const;

/**
 * The plain words for a channel's `statusReason` (the server's classification of Microsoft's
 * refusal, see server/src/microsoft/classify-identity-error.ts). Unknown reasons read as a
 * reconnect: the one action that always helps or says what is wrong.
 */
const WORDS: Record<string, AttentionWords> = {
  refresh_token_expired: {
    reason: "its Microsoft sign-in expired after 90 days without use",
    action: RECONNECT,
  },
  grant_revoked: {
    reason: "Microsoft revoked its sign-in (the password was changed or sessions were revoked)",
    action: RECONNECT,
  },
  password_expired: { reason: "the mailbox's password expired", action: RECONNECT },
  consent_required: { reason: "Mailroom's access to the mailbox was removed", action: RECONNECT },
  interaction_required: {
    reason: "Microsoft asks for the mailbox to sign in again (multi-factor or access policy)",
    action: RECONNECT,
  },
  graph_unauthorized: {
    reason: "Microsoft refuses Mailroom's access to the mailbox even after a fresh sign-in token",
    action: RECONNECT,
  },
  credentials_changed: {
    reason: "your Microsoft app credentials were changed in Mailroom",
    action: RECONNECT,
  },
  client_secret_expired: {
    reason: "the client secret of your Azure app expired",
    action: "update_secret",
  },
  invalid_client_secret: {
    reason: "Microsoft no longer accepts the client secret of your Azure app",
    action: "update_secret",
  },
  credentials_missing: {
    reason: "the Microsoft app it was connected with is no longer set up in Mailroom",
    action: RECONNECT,
  },
  app_not_found: { reason: "Microsoft can't find the Azure app it was connected with", action: "azure" },
  app_disabled: { reason: "the Azure app it was connected with is disabled", action: "azure" },
  tenant_not_found: { reason: "Microsoft can't find the directory (tenant) of the app", action: "azure" },
  user_disabled: { reason: "the mailbox's Microsoft account is disabled", action: "azure" },
  admin_approval_required: {
    reason: "your Microsoft 365 administrator must approve Mailroom first",
    action: "azure",
  },
  account_type_not_supported: {
    reason: "the Azure app doesn't accept this kind of account",
    action: "azure",
  },
  redirect_uri_mismatch: {
    reason: "the Azure app's redirect URI doesn't match Mailroom's",
    action: "azure",
  },
};

export function attentionWords(status: string, reason: string | null): AttentionWords {
  if (status === "disconnected") return { reason: "it was disconnected", action: RECONNECT };
  return (
    (reason && WORDS[reason]) || { reason: "Microsoft stopped accepting its sign-in", action: RECONNECT }
  );
}

export const attentionChannel = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  /** needs_reauth (disconnected channels were left on purpose and need no banner). */
  status: z.string(),
  reason: z.string().nullable(),
  /** Since when it has not synced. */
  since: isoDateTime,
  credentialSource: z.enum(["platform", "byoc"]),
});
export type AttentionChannel = z.infer<typeof attentionChannel>;

export const attentionView = z.object({
  channels: z.array(attentionChannel),
  /** Who can reconnect: the org's owners and admins, for members to ask. */
  admins: z.array(z.object({ name: z.string(), email: z.string() })),
  /** Whether the viewer may reconnect (owner or admin). */
  canReconnect: z.boolean(),
  /**
   * Owners and admins only: the org's BYOC client secret expires within 30 days (reminded at 30, 7
   * and 1 days). Null otherwise, and always for members.
   */
  secret: z
    .object({ expiresAt: isoDateTime, daysLeft: z.number().int(), remindedAt: isoDateTime })
    .nullable(),
});
export type AttentionView = z.infer<typeof attentionView>;

export const attentionRoutes = {
  listAttention: defineRoute({
    method: "GET",
    path: "/api/channels/attention",
    response: { 200: attentionView },
  }),
  /** OAuth again for this channel: the sign-in is pre-filled with its address. */
  startReconnect: defineRoute({
    method: "POST",
    path: "/api/channels/:id/reconnect",
    params: z.object({ id: z.string() }),
    body: z.object({ returnTo: z.enum(["channels", "credentials"]).default("channels") }),
    response: { 200: z.object({ authorizeUrl: z.string() }) },
  }),
};

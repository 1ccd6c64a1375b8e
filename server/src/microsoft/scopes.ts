/**
 * Delegated permissions Mailroom asks for, in the order the consent table shows them.
 * offline_access gives the refresh token; openid/profile/email give the id_token claims.
 * https://learn.microsoft.com/graph/permissions-reference
 */
export const MAIL_SCOPES = ["Mail.ReadWrite", "Mail.Send", "User.Read"] as const;
export const OAUTH_SCOPES = ["openid", "profile", "email", "offline_access", ...MAIL_SCOPES] as const;

/** Why each permission is needed, in the seed's words (shown before the user leaves for Microsoft). */
export const PERMISSION_REASONS: { scope: (typeof MAIL_SCOPES)[number]; label: string; reason: string }[] = [
  {
    scope: "Mail.ReadWrite",
    label: "Read and write emails",
    reason: "Sync messages and update their status",
  },
  { scope: "Mail.Send", label: "Send emails", reason: "Send replies from Mailroom on your behalf" },
  { scope: "User.Read", label: "Read your profile", reason: "Identify your email address and any aliases" },
];

/**
 * Scopes: OIDC scopes plus Microsoft Graph's delegated permissions (names and the consent-page
 * wording from the Graph permissions reference), with `https://graph.microsoft.com/` prefixes and
 * case folded to the canonical names.
 * https://learn.microsoft.com/graph/permissions-reference
 * https://learn.microsoft.com/entra/identity-platform/scopes-oidc
 */

export const GRAPH_RESOURCE = "https://graph.microsoft.com/";
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;

interface ScopeInfo {
  /** What the consent page says. */
  consentText: string;
  /** Delegated permissions only an administrator can grant (AADSTS90094 for others). */
  adminOnly?: boolean;
}

const SCOPES: Record<string, ScopeInfo> = {
  openid: { consentText: "Sign you in" },
  profile: { consentText: "View your basic profile" },
  email: { consentText: "View your email address" },
  offline_access: { consentText: "Maintain access to data you have given it access to" },
  "User.Read": { consentText: "Sign you in and read your profile" },
  "User.ReadBasic.All": { consentText: "Read all users' basic profiles" },
  "User.Read.All": { consentText: "Read all users' full profiles", adminOnly: true },
  "Mail.Read": { consentText: "Read your mail" },
  "Mail.ReadBasic": { consentText: "Read basic mail" },
  "Mail.ReadWrite": { consentText: "Read and write access to your mail" },
  "Mail.Send": { consentText: "Send mail as you" },
  "Mail.Read.Shared": { consentText: "Read mail you can access" },
  "Mail.ReadWrite.Shared": { consentText: "Read and write mail you can access" },
  "Mail.Send.Shared": { consentText: "Send mail on behalf of others" },
  "MailboxSettings.Read": { consentText: "Read your mailbox settings" },
  "MailboxSettings.ReadWrite": { consentText: "Read and write to your mailbox settings" },
  "Directory.Read.All": { consentText: "Read directory data", adminOnly: true },
};

/** Application permissions a seeded or created app may hold (client_credentials `roles`). */
export const APPLICATION_PERMISSIONS = [
  "Mail.Read",
  "Mail.ReadBasic",
  "Mail.ReadWrite",
  "Mail.Send",
  "MailboxSettings.Read",
  "MailboxSettings.ReadWrite",
  "User.Read.All",
  "Directory.Read.All",
] as const;

const CANONICAL = new Map(Object.keys(SCOPES).map((name) => [name.toLowerCase(), name]));

export type ParsedScopes = { ok: true; scopes: string[] } | { ok: false; invalid: string };

/**
 * Splits a space-separated scope string into canonical names (`https://graph.microsoft.com/Mail.Read`
 * → `Mail.Read`), de-duplicated in order. `.default` stands for the already-consented scopes and is
 * returned as `.default`. The first unknown scope makes it fail (AADSTS70011).
 */
export function parseScopes(raw: string | undefined): ParsedScopes {
  const scopes: string[] = [];
  for (const item of (raw ?? "").split(/\s+/).filter(Boolean)) {
    const lower = item.toLowerCase();
    const name = lower.startsWith(GRAPH_RESOURCE) ? lower.slice(GRAPH_RESOURCE.length) : lower;
    const canonical = name === ".default" ? ".default" : CANONICAL.get(name);
    if (!canonical || (lower.startsWith(GRAPH_RESOURCE) && isOidcScope(canonical)))
      return { ok: false, invalid: item };
    if (!scopes.includes(canonical)) scopes.push(canonical);
  }
  return { ok: true, scopes };
}

export function isOidcScope(scope: string): boolean {
  return (OIDC_SCOPES as readonly string[]).includes(scope);
}

export function consentText(scope: string): string {
  return SCOPES[scope]?.consentText ?? scope;
}

export function isAdminOnly(scope: string): boolean {
  return SCOPES[scope]?.adminOnly === true;
}

/** Scopes missing from a grant (case-insensitive; `.default` is always covered). */
export function missingScopes(wanted: string[], granted: string[]): string[] {
  const have = new Set(granted.map((scope) => scope.toLowerCase()));
  return wanted.filter((scope) => scope !== ".default" && !have.has(scope.toLowerCase()));
}

/** Graph scopes in token order (`scp` and the response `scope`), then the OIDC ones except offline_access. */
export function tokenScopes(granted: string[]): string[] {
  const graph = granted.filter((scope) => !isOidcScope(scope) && scope !== ".default");
  const oidc = granted.filter((scope) => isOidcScope(scope) && scope !== "offline_access");
  return [...graph, ...oidc];
}

/**
 * Turns what Microsoft's identity platform answered (an OAuth error on the redirect, or a token
 * endpoint error body) into one of our problem kinds. The AADSTS code decides; the OAuth `error`
 * is the fallback. https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export const IDENTITY_PROBLEMS = [
  "redirect_uri_mismatch",
  "invalid_client_secret",
  "client_secret_expired",
  "app_not_found",
  "app_disabled",
  "tenant_not_found",
  "user_disabled",
  "account_type_not_supported",
  "consent_required",
  "admin_approval_required",
  "refresh_token_expired",
  "grant_revoked",
  "password_expired",
  "interaction_required",
  "access_denied",
  "our_bug",
  "transient",
  "unknown",
] as const;
export type IdentityProblem = (typeof IDENTITY_PROBLEMS)[number];

/** What the person (or the system) should do about it. */
export type IdentityProblemClass = "config" | "reauth" | "cancelled" | "bug" | "transient";

export interface ClassifiedIdentityError {
  problem: IdentityProblem;
  class: IdentityProblemClass;
  /** The AADSTS number when Microsoft gave one. */
  aadsts?: number;
}

const BY_CODE: Record<number, IdentityProblem> = {
  50011: "redirect_uri_mismatch",
  500113: "redirect_uri_mismatch",
  7000215: "invalid_client_secret",
  7000222: "client_secret_expired",
  700016: "app_not_found",
  7000112: "app_disabled",
  90002: "tenant_not_found",
  50057: "user_disabled",
  50055: "password_expired",
  50020: "account_type_not_supported",
  50194: "account_type_not_supported",
  9002332: "account_type_not_supported",
  65001: "consent_required",
  65004: "access_denied",
  90094: "admin_approval_required",
  90095: "admin_approval_required",
  700082: "refresh_token_expired",
  70008: "grant_revoked",
  50173: "grant_revoked",
  50076: "interaction_required",
  50078: "interaction_required",
  53003: "interaction_required",
  54005: "our_bug",
  501481: "our_bug",
  70011: "our_bug",
  9002313: "our_bug",
};

const CLASS: Record<IdentityProblem, IdentityProblemClass> = {
  redirect_uri_mismatch: "config",
  invalid_client_secret: "config",
  client_secret_expired: "config",
  app_not_found: "config",
  app_disabled: "config",
  tenant_not_found: "config",
  user_disabled: "config",
  account_type_not_supported: "config",
  consent_required: "reauth",
  admin_approval_required: "config",
  refresh_token_expired: "reauth",
  grant_revoked: "reauth",
  password_expired: "reauth",
  interaction_required: "reauth",
  access_denied: "cancelled",
  our_bug: "bug",
  transient: "transient",
  unknown: "bug",
};

export interface IdentityErrorInput {
  /** OAuth `error` (e.g. invalid_grant, access_denied). */
  error?: string | null;
  errorDescription?: string | null;
  errorCodes?: number[] | null;
  /** HTTP status of the token endpoint answer, when there was one. */
  status?: number;
}

export function classifyIdentityError(input: IdentityErrorInput): ClassifiedIdentityError {
  const aadsts = input.errorCodes?.[0] ?? aadstsFromDescription(input.errorDescription);
  const byCode = aadsts === undefined ? undefined : BY_CODE[aadsts];
  const problem = byCode ?? fromOAuthError(input);
  return { problem, class: CLASS[problem], ...(aadsts === undefined ? {} : { aadsts }) };
}

function fromOAuthError(input: IdentityErrorInput): IdentityProblem {
  if (input.status === 429 || (input.status !== undefined && input.status >= 500)) return "transient";
  switch (input.error) {
    case "access_denied":
      return "access_denied";
    case "consent_required":
      return "consent_required";
    case "interaction_required":
    case "login_required":
      return "interaction_required";
    case "invalid_grant":
      return "grant_revoked";
    case "temporarily_unavailable":
    case "server_error":
      return "transient";
    default:
      return "unknown";
  }
}

/**
 * What a refusal means for a connected channel: "reauth" (someone signs in again), "config" (an
 * admin must act in Azure first), or undefined when it does not stop the channel (transient: retry
 * with backoff; our bug: logged loudly, never blamed on the customer).
 */
export function channelAttention(classified: ClassifiedIdentityError): "reauth" | "config" | undefined {
  return classified.class === "reauth" || classified.class === "config" ? classified.class : undefined;
}

/** `error_description` starts with "AADSTS50011: …" on Microsoft's redirects. */
export function aadstsFromDescription(description: string | null | undefined): number | undefined {
  const match = description?.match(/AADSTS(\d+)/);
  return match ? Number(match[1]) : undefined;
}

/**
 * The AADSTS errors the emulator produces, with Microsoft's wording (as real servers send it; the
 * codes are listed in https://learn.microsoft.com/entra/identity-platform/reference-error-codes).
 * Each returns an `AadstsError` for `aadstsError` (JSON), redirects, or the sign-in error page.
 */
import type { AadstsError } from "../errors/aadsts-error.ts";
import type { AppRegistration } from "../store/types.ts";

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "0000Z");
const app = (a: AppRegistration) => `'${a.clientId}'(${a.displayName})`;

export const failures = {
  redirectMismatch: (redirectUri: string, clientId: string): AadstsError => ({
    error: "invalid_request",
    code: 50011,
    message: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
  }),
  appNotFound: (clientId: string, tenantName: string): AadstsError => ({
    error: "unauthorized_client",
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  tenantNotFound: (tenant: string): AadstsError => ({
    error: "invalid_tenant",
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  invalidSecret: (clientId: string): AadstsError => ({
    error: "invalid_client",
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  expiredSecret: (clientId: string): AadstsError => ({
    error: "invalid_client",
    code: 7000222,
    message: `The provided client secret keys for app '${clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  missingSecret: (): AadstsError => ({
    error: "invalid_client",
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  publicClientWithSecret: (): AadstsError => ({
    error: "invalid_client",
    code: 700025,
    message: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
  }),
  missingParameter: (name: string): AadstsError => ({
    error: "invalid_request",
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  unsupportedGrant: (grant: string): AadstsError => ({
    error: "unsupported_grant_type",
    code: 70003,
    message: `The app requested an unsupported grant type '${grant}'.`,
  }),
  grantNotOnCommon: (): AadstsError => ({
    error: "invalid_request",
    code: 9001023,
    message:
      "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
  }),
  malformedGrant: (): AadstsError => ({
    error: "invalid_grant",
    code: 9002313,
    message: "Invalid request. Request is malformed or invalid.",
  }),
  grantForOtherClient: (): AadstsError => ({
    error: "invalid_grant",
    code: 70000,
    message: "Provided grant is invalid or malformed.",
  }),
  codeRedeemed: (): AadstsError => ({
    error: "invalid_grant",
    code: 54005,
    message:
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
  }),
  expiredGrant: (): AadstsError => ({
    error: "invalid_grant",
    code: 70008,
    message:
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
  }),
  replyAddressMismatch: (sent: string, original: string): AadstsError => ({
    error: "invalid_grant",
    code: 500112,
    message: `The reply address '${sent}' does not match the reply address '${original}' provided when requesting Authorization code.`,
  }),
  pkceMismatch: (): AadstsError => ({
    error: "invalid_grant",
    code: 501481,
    message: "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
  }),
  plainPkce: (): AadstsError => ({
    error: "invalid_request",
    code: 50148,
    message:
      "The code_challenge_method 'plain' is not allowed by this emulator. Use 'S256' (see https://tools.ietf.org/html/rfc7636#section-4.2).",
  }),
  invalidScope: (scope: string): AadstsError => ({
    error: "invalid_scope",
    code: 70011,
    message: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  inactiveRefreshToken: (issuedAt: number, inactiveDays: number): AadstsError => ({
    error: "invalid_grant",
    code: 700082,
    message: `The refresh token has expired due to inactivity. The token was issued on ${iso(issuedAt)} and was inactive for ${inactiveDays}.00:00:00.`,
    suberror: "bad_token",
  }),
  revokedGrant: (issuedAt: number, validFrom: number): AadstsError => ({
    error: "invalid_grant",
    code: 50173,
    message: `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${iso(issuedAt)}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${iso(validFrom)}'.`,
  }),
  consentRequired: (a: AppRegistration): AadstsError => ({
    error: "invalid_grant",
    code: 65001,
    message: `The user or administrator has not consented to use the application with ID '${a.clientId}' named '${a.displayName}'. Send an interactive authorization request for this user and resource.`,
    suberror: "consent_required",
  }),
  consentDeclined: (): AadstsError => ({
    error: "access_denied",
    code: 65004,
    message: "User declined to consent to access the app.",
  }),
  adminConsentRequired: (): AadstsError => ({
    error: "access_denied",
    code: 90094,
    message: "The grant requires admin permission.",
  }),
  userNotInTenant: (email: string, idp: string, tenantName: string, a: AppRegistration): AadstsError => ({
    error: "invalid_request",
    code: 50020,
    message: `User account '${email}' from identity provider '${idp}' does not exist in tenant '${tenantName}' and cannot access the application ${app(a)} in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
  }),
  notMultiTenant: (a: AppRegistration): AadstsError => ({
    error: "invalid_request",
    code: 50194,
    message: `Application ${app(a)} is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
  }),
  notForConsumers: (a: AppRegistration): AadstsError => ({
    error: "invalid_request",
    code: 9002332,
    message: `Application ${app(a)} is configured for use by Azure Active Directory users only. Please do not use the /consumers endpoint to serve this request.`,
  }),
  onlyConsumers: (a: AppRegistration): AadstsError => ({
    error: "invalid_request",
    code: 9002331,
    message: `Application ${app(a)} is configured for use by Microsoft Account users only. Please use the /consumers endpoint to serve this request.`,
  }),
  unsupportedResponseType: (type: string): AadstsError => ({
    error: "unsupported_response_type",
    code: 700054,
    message: `The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'. Received value: '${type}'.`,
  }),
  unsupportedResponseMode: (mode: string): AadstsError => ({
    error: "invalid_request",
    code: 70007,
    message: `The application returned an unsupported response_mode '${mode}'.`,
  }),
  flowExpired: (): AadstsError => ({
    error: "invalid_request",
    code: 50089,
    message:
      "Authentication failed due to flow token expired. Please start the sign-in again from the application.",
  }),
  loginRequired: (): AadstsError => ({
    error: "login_required",
    code: 50058,
    message: "A silent sign-in request was sent but no user is signed in.",
  }),
  interactionRequired: (a: AppRegistration): AadstsError => ({
    error: "interaction_required",
    code: 65001,
    message: `The user or administrator has not consented to use the application with ID '${a.clientId}' named '${a.displayName}'. Send an interactive authorization request for this user and resource.`,
  }),
  invalidCodeChallenge: (): AadstsError => ({
    error: "invalid_request",
    code: 501491,
    message: "Invalid size of Code_Challenge parameter.",
  }),
} as const;

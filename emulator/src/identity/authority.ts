/**
 * The `{tenant}` path segment and who may sign in through it: a tenant id or domain, `common`
 * (work/school and personal), `organizations` (work/school) or `consumers` (personal), checked
 * against the app's signInAudience.
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols#endpoints
 * https://learn.microsoft.com/entra/identity-platform/supported-accounts-validation
 */
import type { AadstsError } from "../errors/aadsts-error.ts";
import type { Store } from "../store/store.ts";
import type { AppRegistration, Mailbox, Tenant } from "../store/types.ts";
import { failures } from "./failures.ts";
import { CONSUMERS_TENANT_ID } from "./tokens.ts";

export type Authority =
  | { kind: "tenant"; segment: string; tenant: Tenant }
  | { kind: "common" | "organizations" | "consumers"; segment: string };

export function resolveAuthority(store: Store, segment: string): Authority | undefined {
  const lower = segment.toLowerCase();
  if (lower === "common" || lower === "organizations" || lower === "consumers")
    return { kind: lower, segment: lower };
  const tenant = store.tenant(lower);
  return tenant ? { kind: "tenant", segment: lower, tenant } : undefined;
}

/** The issuer's tenant id for discovery: concrete tenants and consumers have one; the others a template. */
export function issuerTenant(authority: Authority): string {
  if (authority.kind === "tenant") return authority.tenant.id;
  return authority.kind === "consumers" ? CONSUMERS_TENANT_ID : "{tenantid}";
}

const isPersonal = (store: Store, tenantId: string) =>
  tenantId === CONSUMERS_TENANT_ID || store.state.tenants.get(tenantId)?.kind === "personal";

/** Before sign-in: may this app be used through this authority at all? */
export function checkAppAuthority(
  store: Store,
  app: AppRegistration,
  authority: Authority,
): AadstsError | null {
  const audience = app.signInAudience;
  if (authority.kind === "tenant") {
    const personalTenant = isPersonal(store, authority.tenant.id);
    if (personalTenant && (audience === "AzureADMyOrg" || audience === "AzureADMultipleOrgs"))
      return failures.notForConsumers(app);
    if (!personalTenant && audience === "PersonalMicrosoftAccount") return failures.onlyConsumers(app);
    if (audience === "AzureADMyOrg" && authority.tenant.id !== app.tenantId)
      return failures.appNotFound(app.clientId, authority.tenant.displayName);
    return null;
  }
  if (authority.kind === "consumers" && (audience === "AzureADMyOrg" || audience === "AzureADMultipleOrgs"))
    return failures.notForConsumers(app);
  if (authority.kind === "organizations" && audience === "PersonalMicrosoftAccount")
    return failures.onlyConsumers(app);
  if (authority.kind === "common" && audience === "AzureADMyOrg") return failures.notMultiTenant(app);
  return null;
}

/** After the user typed their name: may this account sign in to this app here? (AADSTS50020) */
export function checkUserAllowed(
  store: Store,
  app: AppRegistration,
  authority: Authority,
  user: Mailbox,
): AadstsError | null {
  const personal = isPersonal(store, user.tenantId);
  const idp = personal ? "live.com" : `https://sts.windows.net/${user.tenantId}/`;
  const resourceTenant =
    authority.kind === "tenant" ? authority.tenant : (store.state.tenants.get(app.tenantId) ?? undefined);
  const deny = () =>
    failures.userNotInTenant(user.userPrincipalName, idp, resourceTenant?.displayName ?? app.tenantId, app);
  if (authority.kind === "tenant" && authority.tenant.id !== user.tenantId) return deny();
  if (authority.kind === "consumers" && !personal) return deny();
  if (authority.kind === "organizations" && personal) return deny();
  switch (app.signInAudience) {
    case "AzureADMyOrg":
      return user.tenantId === app.tenantId ? null : deny();
    case "AzureADMultipleOrgs":
      return personal ? deny() : null;
    case "PersonalMicrosoftAccount":
      return personal ? null : deny();
    default:
      return null;
  }
}

/** The tenant a token is issued in: the authority's tenant, or the user's home tenant. */
export function tokenTenant(authority: Authority, user: Mailbox): string {
  return authority.kind === "tenant" ? authority.tenant.id : user.tenantId;
}

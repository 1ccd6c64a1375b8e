/**
 * Consent per user and app (and tenant-wide admin consent), remembered in `state.consents`.
 * https://learn.microsoft.com/entra/identity-platform/permissions-consent-overview
 */
import { adminConsentKey, type Consent, consentKey } from "../store/identity-types.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox } from "../store/types.ts";
import { isAdminOnly, missingScopes } from "./scopes.ts";

/** Scopes the user (or their admin, for the whole tenant) granted to the app. */
export function grantedScopes(store: Store, user: Mailbox, clientId: string): string[] {
  const own = store.state.consents.get(consentKey(user.id, clientId.toLowerCase()))?.scopes ?? [];
  const org = store.state.consents.get(adminConsentKey(user.tenantId, clientId))?.scopes ?? [];
  return [...new Set([...own, ...org])];
}

/** `.default` means "what was consented already" (User.Read when nothing was). */
export function expandDefault(scopes: string[], granted: string[]): string[] {
  if (!scopes.includes(".default")) return scopes;
  const base = granted.length > 0 ? granted : ["User.Read"];
  return [...new Set([...scopes.filter((s) => s !== ".default"), ...base])];
}

export type ConsentDecision = "granted" | "ask-user" | "needs-admin";

export function consentDecision(
  store: Store,
  user: Mailbox,
  clientId: string,
  scopes: string[],
  force: boolean,
): ConsentDecision {
  const missing = missingScopes(scopes, grantedScopes(store, user, clientId));
  const toAsk = force ? scopes : missing;
  if (toAsk.length === 0) return "granted";
  if (!user.isAdmin && missing.some(isAdminOnly)) return "needs-admin";
  return "ask-user";
}

export function recordConsent(
  store: Store,
  user: Mailbox,
  clientId: string,
  scopes: string[],
  forOrg: boolean,
): Consent {
  return forOrg
    ? recordAdminConsent(store, user.tenantId, clientId, scopes)
    : saveConsent(
        store,
        consentKey(user.id, clientId.toLowerCase()),
        user.id,
        user.tenantId,
        clientId,
        scopes,
      );
}

/** Tenant-wide consent (an admin's "on behalf of your organization"). */
export function recordAdminConsent(
  store: Store,
  tenantId: string,
  clientId: string,
  scopes: string[],
): Consent {
  return saveConsent(store, adminConsentKey(tenantId, clientId), "*", tenantId, clientId, scopes);
}

function saveConsent(
  store: Store,
  key: string,
  userId: string,
  tenantId: string,
  clientId: string,
  scopes: string[],
): Consent {
  const existing = store.state.consents.get(key);
  const consent: Consent = {
    userId,
    tenantId,
    clientId: clientId.toLowerCase(),
    scopes: [...new Set([...(existing?.scopes ?? []), ...scopes])],
    grantedAt: store.clock.now(),
  };
  store.state.consents.set(key, consent);
  return consent;
}

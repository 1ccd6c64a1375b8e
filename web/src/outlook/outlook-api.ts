import { apiDelete, apiGet, apiPost, apiPut } from "../api.ts";

/** The Outlook connect API (docs/api/outlook-channels.md), as the server sends it. */

export type ReturnTo = "onboarding" | "channels";
export type CredentialSource = "platform" | "byoc";

export interface Permission {
  scope: string;
  label: string;
  reason: string;
}

export interface ByocSummary {
  clientId: string;
  secretHint: string;
  tenant: string;
  createdAt: string;
  secretUpdatedAt: string;
}

export interface ConnectOptions {
  canConnect: boolean;
  platformAvailable: boolean;
  redirectUri: string;
  permissions: Permission[];
  /** Only sent to admins. */
  byoc: ByocSummary | null;
}

export interface CredentialsView extends ByocSummary {
  channels: { id: string; email: string; status: string }[];
}

export interface CredentialsInput {
  clientId: string;
  clientSecret: string;
  tenant?: string;
  redirectUriConfirmed: true;
}

export const getConnectOptions = () => apiGet<ConnectOptions>("/api/outlook/connect-options");

export const startConnect = (returnTo: ReturnTo, credentials?: CredentialSource) =>
  apiPost<{ authorizeUrl: string }>("/api/outlook/connect", {
    returnTo,
    ...(credentials ? { credentials } : {}),
  });

export const getCredentials = () =>
  apiGet<{ credentials: CredentialsView | null; redirectUri: string }>("/api/outlook/credentials");
export const saveCredentials = (input: CredentialsInput) =>
  apiPut<{ credentials: CredentialsView }>("/api/outlook/credentials", input);
export const removeCredentials = () => apiDelete<unknown>("/api/outlook/credentials");

/** "common" means any tenant; the form shows it as empty. */
export const isAnyTenant = (tenant: string | null | undefined) =>
  !tenant || tenant === "common" || tenant === "organizations";

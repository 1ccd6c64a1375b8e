import { type CredentialSource, type CredentialsInput, type ReturnTo, routes } from "@mailroom/contract";
import { callApi } from "../api.ts";

/** The Outlook connect API (docs/api/outlook-channels.md); shapes are the contract's. */

export type {
  ByocSummary,
  ConnectOptions,
  CredentialSource,
  CredentialsInput,
  CredentialsView,
  Permission,
  ReturnTo,
} from "@mailroom/contract";

export const getConnectOptions = () => callApi(routes.getConnectOptions);

export const startConnect = (returnTo: ReturnTo, credentials?: CredentialSource) =>
  callApi(routes.startConnect, { body: { returnTo, ...(credentials ? { credentials } : {}) } });

export const getCredentials = () => callApi(routes.getCredentials);
export const saveCredentials = (input: CredentialsInput) => callApi(routes.saveCredentials, { body: input });
export const removeCredentials = () => callApi(routes.removeCredentials);

/** "common" means any tenant; the form shows it as empty. */
export const isAnyTenant = (tenant: string | null | undefined) =>
  !tenant || tenant === "common" || tenant === "organizations";

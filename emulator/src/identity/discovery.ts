/**
 * OpenID discovery and JWKS per tenant, in Entra's shape (endpoints on the emulator's base URL).
 * Concrete tenants (by id or domain) and `consumers` publish a concrete issuer
 * `{base}/{tid}/v2.0`; `common` and `organizations` publish Microsoft's `{tenantid}` template, as
 * the real ones do (there the issuer depends on the user's tenant).
 * https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 */
import type { FastifyInstance } from "fastify";
import { aadstsError } from "../errors/aadsts-error.ts";
import { type Authority, issuerTenant, resolveAuthority } from "./authority.ts";
import { failures } from "./failures.ts";
import { jwks } from "./signing-keys.ts";
import { CONSUMERS_TENANT_ID } from "./tokens.ts";

export function openIdConfiguration(baseUrl: string, authority: Authority): Record<string, unknown> {
  // Endpoints use the tenant id for concrete tenants, the segment otherwise (like Entra).
  const path = authority.kind === "tenant" ? authority.tenant.id : authority.segment;
  const endpoint = (suffix: string) => `${baseUrl}/${path}/${suffix}`;
  return {
    token_endpoint: endpoint("oauth2/v2.0/token"),
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: endpoint("discovery/v2.0/keys"),
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${baseUrl}/${issuerTenant(authority)}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${baseUrl}/oidc/userinfo`,
    authorization_endpoint: endpoint("oauth2/v2.0/authorize"),
    device_authorization_endpoint: endpoint("oauth2/v2.0/devicecode"),
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: endpoint("oauth2/v2.0/logout"),
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: endpoint("kerberos"),
    tenant_region_scope: authority.kind === "tenant" ? "NA" : null,
    cloud_instance_name: new URL(baseUrl).hostname,
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(baseUrl).host,
    rbac_url: "https://pas.windows.net",
  };
}

export async function discoveryRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { tenant: string } }>(
    "/:tenant/v2.0/.well-known/openid-configuration",
    async (request, reply) => {
      const authority = resolveAuthority(app.emulator.store, request.params.tenant);
      if (!authority) return aadstsError(reply, 400, failures.tenantNotFound(request.params.tenant));
      return reply.type("application/json").send(openIdConfiguration(app.emulator.baseUrl, authority));
    },
  );

  app.get<{ Params: { tenant: string } }>("/:tenant/discovery/v2.0/keys", async (request, reply) => {
    const { store } = app.emulator;
    const authority = resolveAuthority(store, request.params.tenant);
    if (!authority) return aadstsError(reply, 400, failures.tenantNotFound(request.params.tenant));
    const tenantIds =
      authority.kind === "tenant"
        ? [authority.tenant.id]
        : authority.kind === "consumers"
          ? [CONSUMERS_TENANT_ID]
          : [...store.state.tenants.keys()];
    return reply.type("application/json").send(jwks(app.emulator, tenantIds));
  });
}

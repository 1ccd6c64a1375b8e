/**
 * Client authentication at the token endpoint: `client_secret` in the body or HTTP Basic
 * (both documented). Confidential clients (apps with secrets) must authenticate; public clients
 * must not send a secret.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
 */
import type { FastifyRequest } from "fastify";
import type { AadstsError } from "../errors/aadsts-error.ts";
import { hashSecret } from "../store/ids.ts";
import type { AppRegistration } from "../store/types.ts";
import { failures } from "./failures.ts";
import type { FormFields } from "./form-fields.ts";

export interface ClientCredentials {
  clientId: string | undefined;
  secret: string | undefined;
}

/** client_id/secret from the body, or from `Authorization: Basic` (url-encoded id:secret). */
export function clientCredentials(request: FastifyRequest, fields: FormFields): ClientCredentials {
  const header = request.headers.authorization;
  if (header?.toLowerCase().startsWith("basic ")) {
    const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " "));
      const secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " "));
      return { clientId: fields.client_id ?? id, secret };
    }
  }
  return { clientId: fields.client_id, secret: fields.client_secret };
}

export const isConfidential = (app: AppRegistration) => app.secrets.length > 0;

/** Null when the client is authenticated (or public and sent nothing). */
export function authenticateClient(
  app: AppRegistration,
  secret: string | undefined,
  now: number,
): AadstsError | null {
  if (!isConfidential(app)) return secret ? failures.publicClientWithSecret() : null;
  if (!secret) return failures.missingSecret();
  const hash = hashSecret(secret);
  const match = app.secrets.find((candidate) => candidate.valueHash === hash);
  if (!match || match.startsAt > now) return failures.invalidSecret(app.clientId);
  if (match.expiresAt <= now) return failures.expiredSecret(app.clientId);
  return null;
}

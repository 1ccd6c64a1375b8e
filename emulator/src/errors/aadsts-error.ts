/**
 * Entra ID (identity platform v2) error shape for token-endpoint answers:
 * `{error, error_description: "AADSTSnnnn: … Trace ID: … Correlation ID: … Timestamp: …",
 * error_codes: [n], timestamp, trace_id, correlation_id, error_uri, suberror?}`.
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { clientRequestId } from "../http/request-id.ts";

export interface AadstsError {
  /** OAuth error, e.g. `invalid_client`, `invalid_grant`, `unauthorized_client`. */
  error: string;
  /** The AADSTS number, e.g. 7000215. */
  code: number;
  /** Microsoft's sentence, without the `AADSTSnnnn: ` prefix. */
  message: string;
  /** e.g. `bad_token`, `consent_required`. */
  suberror?: string;
}

export interface AadstsErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
}

/** Entra's timestamp format: `2024-05-01 12:34:56Z`. */
export function aadstsTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/**
 * The body, for JSON answers and for building redirect (`error`, `error_description`) and
 * sign-in page errors. The correlation id is the client's `client-request-id` when it sent one,
 * as MSAL does; the trace id is our request id.
 */
export function aadstsErrorBody(request: FastifyRequest, failure: AadstsError): AadstsErrorBody {
  const { clock, baseUrl } = request.server.emulator;
  const timestamp = aadstsTimestamp(clock.now());
  const traceId = request.id;
  const correlationId = clientRequestId(request);
  const body: AadstsErrorBody = {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${baseUrl}/error?code=${failure.code}`,
  };
  if (failure.suberror) body.suberror = failure.suberror;
  return body;
}

/** Sends an AADSTS error; token endpoint errors are 400 (401 for invalid_client). */
export function aadstsError(reply: FastifyReply, status: number, failure: AadstsError): FastifyReply {
  return reply.code(status).type("application/json").send(aadstsErrorBody(reply.request, failure));
}

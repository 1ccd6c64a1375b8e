/**
 * The validation handshake: Graph POSTs `{url}?validationToken={token}` (text/plain, empty body) and
 * the receiver must answer 200 with the decoded token as text/plain within 10 seconds, or the
 * subscription is not created.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation
 * Error bodies as Graph answers them (observed in microsoftgraph/nodejs-webhooks-sample#158, #350,
 * java-spring-webhooks-sample#82, microsoft-graph-docs-contrib#7031).
 */

import type { Agent } from "undici";
import { request } from "undici";

export type ValidationFailure = { code: string; message: string };

export const VALIDATION_ERRORS = {
  non200: {
    code: "ValidationError",
    message:
      "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
  },
  wrongBody: {
    code: "ValidationError",
    message:
      "Subscription validation request failed. Response must exactly match validationToken query parameter.",
  },
  timeout: { code: "InvalidRequest", message: "Subscription validation request timed out." },
} as const satisfies Record<string, ValidationFailure>;

/** Graph's tokens are opaque text with spaces and colons (observed: microsoft-graph-docs#21160). */
export function newValidationToken(requestId: string): string {
  return `Validation: Testing client application reachability for subscription Request-Id: ${requestId}`;
}

/** `url` with `validationToken` added to any query it already has. */
export function validationUrl(url: string, token: string): string {
  const separator = url.includes("?") ? "&" : "?";
  return `${url}${separator}validationToken=${encodeURIComponent(token)}`;
}

/** Runs the handshake; null when the receiver answered correctly. */
export async function validateEndpoint(
  agent: Agent,
  url: string,
  token: string,
  timeoutMs: number,
): Promise<ValidationFailure | null> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await request(validationUrl(url, token), {
      dispatcher: agent,
      method: "POST",
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: "",
      signal,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return VALIDATION_ERRORS.non200;
    return text === token ? null : VALIDATION_ERRORS.wrongBody;
  } catch {
    return signal.aborted ? VALIDATION_ERRORS.timeout : VALIDATION_ERRORS.non200;
  }
}

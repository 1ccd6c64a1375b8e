/**
 * The expirationDateTime rule for Outlook message subscriptions, on create and on renew (PATCH).
 * Maximum lifetime: https://learn.microsoft.com/graph/api/resources/subscription#subscription-lifetime
 * (10,080 minutes today; 4,230 in older docs and on some servers). The error body is what servers
 * answer (observed: microsoftgraph/microsoft-graph-docs-contrib#7726):
 *   400 {"code":"ExtensionError","message":"Subscription expiration can only be 4230 minutes in the future."}
 */

export type ExpirationCheck =
  | { ok: true; expiresAt: number }
  | { ok: false; status: 400; code: string; message: string };

export function checkExpiration(value: unknown, nowMs: number, maxMinutes: number): ExpirationCheck {
  if (value === undefined || value === null || value === "") {
    return {
      ok: false,
      status: 400,
      code: "InvalidRequest",
      message: "expirationDateTime is a required property for subscription creation.",
    };
  }
  const expiresAt = typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(expiresAt)) {
    return {
      ok: false,
      status: 400,
      code: "InvalidRequest",
      message: `Cannot convert the literal '${String(value)}' to the expected type 'Edm.DateTimeOffset'.`,
    };
  }
  if (expiresAt <= nowMs) {
    return {
      ok: false,
      status: 400,
      code: "ExtensionError",
      message: "Subscription expiration can only be in the future.",
    };
  }
  if (expiresAt > nowMs + maxMinutes * 60_000) {
    return {
      ok: false,
      status: 400,
      code: "ExtensionError",
      message: `Subscription expiration can only be ${maxMinutes} minutes in the future.`,
    };
  }
  return { ok: true, expiresAt };
}

import { describe, expect, it } from "vitest";
import { channelAttention } from "./classify-identity-error.ts";
import { classifyTokenError } from "./identity-client.ts";

/**
 * Token endpoint error bodies in the shape Microsoft documents
 * (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#error-response-1),
 * with the descriptions of https://learn.microsoft.com/entra/identity-platform/reference-error-codes.
 */
function body(error: string, code: number, text: string, extra: Record<string, unknown> = {}) {
  return {
    error,
    error_description: `AADSTS${code}: ${text}\r\nTrace ID: 255d1aef-8c98-452f-ac51-23d051240864\r\nCorrelation ID: fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7\r\nTimestamp: 2016-01-09 02:02:12Z`,
    error_codes: [code],
    timestamp: "2016-01-09 02:02:12Z",
    trace_id: "255d1aef-8c98-452f-ac51-23d051240864",
    correlation_id: "fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7",
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    ...extra,
  };
}

describe("classifyTokenError on Microsoft's documented bodies", () => {
  it.each([
    [
      body("invalid_grant", 700082, "The refresh token has expired due to inactivity.", {
        suberror: "bad_token",
      }),
      "refresh_token_expired",
      "reauth",
    ],
    [
      body(
        "invalid_grant",
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
      ),
      "grant_revoked",
      "reauth",
    ],
    [
      body(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity.",
      ),
      "grant_revoked",
      "reauth",
    ],
    [
      body("invalid_grant", 65001, "The user or administrator has not consented to use the application.", {
        suberror: "consent_required",
      }),
      "consent_required",
      "reauth",
    ],
    [
      body(
        "invalid_grant",
        50055,
        "The password is expired. The user's password is expired, and therefore their login or session was ended.",
      ),
      "password_expired",
      "reauth",
    ],
    [
      body(
        "interaction_required",
        50076,
        "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication.",
      ),
      "interaction_required",
      "reauth",
    ],
    [
      body("invalid_client", 7000222, "The provided client secret keys for app are expired."),
      "client_secret_expired",
      "config",
    ],
    [body("invalid_client", 7000215, "Invalid client secret provided."), "invalid_client_secret", "config"],
    [
      body("unauthorized_client", 700016, "Application with identifier was not found in the directory."),
      "app_not_found",
      "config",
    ],
    [body("invalid_client", 7000112, "Application is disabled."), "app_disabled", "config"],
    [body("invalid_grant", 50057, "The user account is disabled."), "user_disabled", "config"],
    [body("invalid_request", 90002, "Tenant not found."), "tenant_not_found", "config"],
    [
      body("invalid_scope", 70011, "The provided value for the input parameter 'scope' is not valid."),
      "our_bug",
      "bug",
    ],
  ] as const)("%#: %s", (json, problem, cls) => {
    const { classified, error } = classifyTokenError(json, 400);
    expect(classified).toEqual({ problem, class: cls, aadsts: json.error_codes[0] });
    expect(error).toBe(json.error);
    expect(channelAttention(classified)).toBe(cls === "bug" ? undefined : cls);
  });

  it("treats a throttled or failing token endpoint as transient: retried, the channel untouched", () => {
    const throttled = classifyTokenError({ error: "temporarily_unavailable" }, 503).classified;
    expect(throttled.class).toBe("transient");
    expect(channelAttention(throttled)).toBeUndefined();
    expect(classifyTokenError("<html>busy</html>", 429).classified.class).toBe("transient");
  });

  it("never blames the customer for an answer it cannot read", () => {
    const odd = classifyTokenError({ unexpected: true }, 400).classified;
    expect(odd).toEqual({ problem: "unknown", class: "bug" });
    expect(channelAttention(odd)).toBeUndefined();
  });
});

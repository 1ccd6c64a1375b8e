import { describe, expect, it } from "vitest";
import { aadstsFromDescription, classifyIdentityError } from "./classify-identity-error.ts";

describe("classifyIdentityError", () => {
  // Rows of the AADSTS table in MICROSOFT.md, with the bodies Microsoft documents.
  it.each([
    [{ error: "invalid_client", errorCodes: [7000215] }, "invalid_client_secret", "config"],
    [{ error: "invalid_client", errorCodes: [7000222] }, "client_secret_expired", "config"],
    [{ error: "unauthorized_client", errorCodes: [700016] }, "app_not_found", "config"],
    [{ error: "invalid_request", errorCodes: [50011] }, "redirect_uri_mismatch", "config"],
    [{ error: "invalid_request", errorCodes: [50194] }, "account_type_not_supported", "config"],
    [{ error: "invalid_grant", errorCodes: [700082] }, "refresh_token_expired", "reauth"],
    [{ error: "invalid_grant", errorCodes: [50173] }, "grant_revoked", "reauth"],
    [{ error: "invalid_grant", errorCodes: [70008] }, "grant_revoked", "reauth"],
    [{ error: "invalid_grant", errorCodes: [65001] }, "consent_required", "reauth"],
    [{ error: "interaction_required", errorCodes: [50076] }, "interaction_required", "reauth"],
    [{ error: "invalid_grant", errorCodes: [54005] }, "our_bug", "bug"],
    [{ error: "invalid_grant", errorCodes: [501481] }, "our_bug", "bug"],
  ] as const)("classifies %o as %s", (input, problem, cls) => {
    const result = classifyIdentityError({ ...input, errorCodes: [...input.errorCodes] });
    expect(result.problem).toBe(problem);
    expect(result.class).toBe(cls);
    expect(result.aadsts).toBe(input.errorCodes[0]);
  });

  it("reads the AADSTS code from a redirect's error_description", () => {
    const description = "AADSTS65004: User declined to consent to access the app.\r\nTrace ID: x";
    expect(aadstsFromDescription(description)).toBe(65004);
    expect(classifyIdentityError({ error: "access_denied", errorDescription: description })).toEqual({
      problem: "access_denied",
      class: "cancelled",
      aadsts: 65004,
    });
  });

  it("treats a plain access_denied as a cancellation", () => {
    expect(classifyIdentityError({ error: "access_denied" }).class).toBe("cancelled");
  });

  it("treats throttling and server errors without a code as transient", () => {
    expect(classifyIdentityError({ status: 429 }).class).toBe("transient");
    expect(classifyIdentityError({ status: 503, error: "temporarily_unavailable" }).class).toBe("transient");
  });

  it("never guesses: an unknown error is a bug to look at", () => {
    expect(classifyIdentityError({ error: "something_new" })).toEqual({ problem: "unknown", class: "bug" });
  });
});

import { APIError } from "better-auth/api";
import { describe, expect, it } from "vitest";
import { fromAuthApiError, toAppError } from "./auth-errors.ts";

describe("toAppError", () => {
  it("answers a failed login in words that don't tell whether the email exists", () => {
    expect(toAppError({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" })).toMatchObject({
      code: "unauthenticated",
      message: "Wrong email or password",
    });
  });

  it("names the field for password and email problems", () => {
    expect(toAppError({ status: 400, code: "PASSWORD_TOO_SHORT" }).extra.fields).toEqual([
      { field: "password", message: "Use at least 10 characters" },
    ]);
    expect(toAppError({ status: 422, code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" })).toMatchObject({
      code: "conflict",
      status: 409,
    });
  });

  it("carries the wait of a rate-limit refusal", () => {
    const error = toAppError({ status: 429, retryAfterSeconds: 42 });
    expect(error).toMatchObject({ code: "rate_limited", status: 429 });
    expect(error.extra.retryAfterSeconds).toBe(42);
  });

  it("falls back on the status, and hides server-side messages", () => {
    expect(toAppError({ status: 403, message: "Invalid origin" })).toMatchObject({ code: "forbidden" });
    expect(toAppError({ status: 500, message: "relation does not exist" })).toMatchObject({
      code: "internal",
      message: "Something went wrong on our side",
    });
  });
});

describe("fromAuthApiError", () => {
  it("translates Better Auth's APIError and lets other errors through", () => {
    const translated = fromAuthApiError(
      new APIError("BAD_REQUEST", { code: "INVALID_EMAIL", message: "Invalid email" }),
    );
    expect(translated).toMatchObject({ code: "validation_failed" });
    const other = new Error("boom");
    expect(fromAuthApiError(other)).toBe(other);
  });
});

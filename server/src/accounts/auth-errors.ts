import { isAPIError } from "better-auth/api";
import { AppError, type FieldIssue } from "../errors.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./auth.ts";

/** What Better Auth says when it refuses: an HTTP status and `{ code, message }`. */
export interface AuthRefusal {
  status: number;
  code?: string | undefined;
  message?: string | undefined;
  retryAfterSeconds?: number | undefined;
}

const field = (name: string, message: string): { fields: FieldIssue[] } => ({
  fields: [{ field: name, message }],
});

/** Better Auth's codes we answer in our own words (and, where it's about one field, name the field). */
const KNOWN: Record<string, () => AppError> = {
  // The same words whether the email exists or not: never reveal which accounts exist.
  INVALID_EMAIL_OR_PASSWORD: () => new AppError("unauthenticated", "Wrong email or password"),
  INVALID_EMAIL: () =>
    new AppError(
      "validation_failed",
      "Enter a valid email address",
      field("email", "Enter a valid email address"),
    ),
  PASSWORD_TOO_SHORT: () => passwordLength(`Use at least ${PASSWORD_MIN_LENGTH} characters`),
  PASSWORD_TOO_LONG: () => passwordLength(`Use at most ${PASSWORD_MAX_LENGTH} characters`),
  USER_ALREADY_EXISTS: () => accountExists(),
  USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: () => accountExists(),
  INVALID_PASSWORD: () =>
    new AppError(
      "validation_failed",
      "Your current password is wrong",
      field("currentPassword", "This isn't your current password"),
    ),
};

function passwordLength(message: string): AppError {
  return new AppError("validation_failed", message, field("password", message));
}

function accountExists(): AppError {
  const message = "An account with this email already exists — log in instead";
  return new AppError("conflict", message, field("email", message));
}

/** 429: the login (or sign-up) rate limit stands for this many more seconds. */
export function tooManyAttempts(retryAfterSeconds: number): AppError {
  return new AppError("rate_limited", "Too many attempts — wait a moment and try again", {
    retryAfterSeconds,
  });
}

/** Turns a Better Auth refusal into our error, so every response is the same problem+json. */
export function toAppError(refusal: AuthRefusal): AppError {
  const known = refusal.code ? KNOWN[refusal.code] : undefined;
  if (known) return known();
  const message = refusal.message || "The request was refused";
  switch (refusal.status) {
    case 401:
      return new AppError("unauthenticated", "Please log in");
    case 403:
      return new AppError("forbidden", message);
    case 404:
      return new AppError("not_found", "Not found");
    case 429:
      return tooManyAttempts(refusal.retryAfterSeconds ?? 60);
    default:
      return refusal.status >= 500
        ? new AppError("internal", "Something went wrong on our side")
        : new AppError("bad_request", message);
  }
}

/** For server-side `auth.api.*` calls: Better Auth's APIError becomes our AppError; anything else passes. */
export function fromAuthApiError(error: unknown): unknown {
  // Failures on our side keep their stack for the log; the client gets a generic 500 either way.
  if (!isAPIError(error) || error.statusCode >= 500) return error;
  const body: { code?: unknown; message?: unknown } = error.body ?? {};
  return toAppError({
    status: error.statusCode,
    code: typeof body.code === "string" ? body.code : undefined,
    message: typeof body.message === "string" ? body.message : error.message,
  });
}

/** Runs a server-side Better Auth call, translating its refusals. */
export async function callAuth<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw fromAuthApiError(error);
  }
}

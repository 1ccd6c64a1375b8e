/**
 * Errors are values with codes. Modules throw these; http/problem.ts turns them into
 * `application/problem+json` responses in one place, and the web app turns codes into words.
 */
export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "unauthenticated"
  | "forbidden"
  | "csrf_failed"
  | "not_found"
  | "conflict"
  | "payload_too_large"
  | "rate_limited"
  | "unavailable"
  | "internal";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  override name = "AppError";
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      fields?: FieldIssue[];
      retryAfterSeconds?: number;
      /** More members of the problem body, for problems the web app acts on (a send's newer messages). */
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what = "Resource") => new AppError("not_found", `${what} not found`);
export const forbidden = (message = "You don't have permission to do that") =>
  new AppError("forbidden", message);
export const unauthenticated = () => new AppError("unauthenticated", "Please log in");
export const conflict = (message: string) => new AppError("conflict", message);
export const badRequest = (message: string, fields?: FieldIssue[]) =>
  new AppError(fields ? "validation_failed" : "bad_request", message, fields ? { fields } : {});

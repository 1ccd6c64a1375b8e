import type { Problem as ProblemBody } from "@mailroom/contract";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { ZodError } from "zod";
import { AppError } from "../errors.ts";

/**
 * The one place errors become HTTP responses: RFC 9457 problem details with our code and the
 * request id. Unknown errors are logged with their stack and answered with a generic 500, so no
 * stack trace or internal message ever reaches a client. A response that doesn't match its
 * contract schema is one of those: our bug, logged with what didn't match.
 */
export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler(sendProblem);

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).type("application/problem+json").send({
      type: "https://mailroom.dev/problems/not_found",
      title: "Not found",
      status: 404,
      code: "not_found",
      requestId: request.id,
    });
  });
}

/** Answers `error` as a problem (the error handler; also for refusals made outside any route). */
export function sendProblem(
  error: FastifyError | AppError | ZodError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const problem = toProblem(error, request.routeOptions.config?.validationTitle);
  if (isResponseSerializationError(error))
    request.log.error({ err: error, issues: error.cause.issues }, "response does not match its schema");
  else if (problem.status >= 500) request.log.error({ err: error }, "request failed");
  else request.log.info({ code: problem.code, status: problem.status }, "request refused");
  if (problem.retryAfterSeconds) reply.header("retry-after", String(problem.retryAfterSeconds));
  const body: ProblemBody = {
    // Extra members a module's contract names (outbox.ts's newer messages); the standard ones win.
    ...problem.details,
    type: `https://mailroom.dev/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    ...(problem.fields ? { fields: problem.fields } : {}),
    requestId: request.id,
  };
  return reply.status(problem.status).type("application/problem+json").send(body);
}

interface Problem {
  status: number;
  code: string;
  title: string;
  fields?: { field: string; message: string }[];
  retryAfterSeconds?: number;
  details?: Record<string, unknown>;
}

const VALIDATION_FAILED = "Some fields are not valid";

/** `validationTitle`: the route's own words for a request its schemas refused. */
export function toProblem(error: unknown, validationTitle = VALIDATION_FAILED): Problem {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      title: error.message,
      ...(error.extra.fields ? { fields: error.extra.fields } : {}),
      ...(error.extra.retryAfterSeconds ? { retryAfterSeconds: error.extra.retryAfterSeconds } : {}),
      ...(error.extra.details ? { details: error.extra.details } : {}),
    };
  }
  if (error instanceof ZodError) {
    return {
      status: 400,
      code: "validation_failed",
      title: VALIDATION_FAILED,
      fields: error.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
    };
  }
  // A request refused by its route's contract schemas (params, query or body).
  if (hasZodFastifySchemaValidationErrors(error)) {
    return {
      status: 400,
      code: "validation_failed",
      title: validationTitle,
      fields: error.validation.map((v) => ({
        field: v.instancePath.replace(/^\//, "").replaceAll("/", "."),
        message: v.message ?? "Not valid",
      })),
    };
  }
  const fe = error as Partial<FastifyError>;
  if (typeof fe.statusCode === "number" && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.statusCode === 413 ? "payload_too_large" : fe.statusCode === 429 ? "rate_limited" : "bad_request";
    // Fastify's own 4xx messages (bad JSON, wrong content type, body too large) are safe to show.
    return { status: fe.statusCode, code, title: fe.message ?? "Bad request" };
  }
  return { status: 500, code: "internal", title: "Something went wrong on our side" };
}

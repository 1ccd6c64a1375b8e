import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { assertStorable } from "../db/storable-input.ts";
import { AppError } from "../errors.ts";
import { sendProblem } from "./problem.ts";

/**
 * The first check on every route, Graph's intake included: path parameters, the query string and
 * a parsed body must hold only what the database can store (db/storable-input.ts) — no NUL, no
 * lone surrogate, no Infinity, no absurd nesting — or the request is refused with a 400 naming the
 * field, before any route code or query runs. Add it to the root instance before any route, so
 * every plugin inherits it. (The auth proxy reads its body raw and checks it itself.)
 */
export function registerInputGuard(app: FastifyInstance): void {
  // Before every other hook, so a route's own onRequest (the webhook's handshake) sees only good input.
  app.addHook("onRequest", async (request) => {
    assertStorable(request.params, "params");
    assertStorable(request.query, "query");
  });
  app.addHook("preValidation", async (request) => {
    if (!Buffer.isBuffer(request.body)) assertStorable(request.body);
  });
}

/**
 * Fastify's router refuses some URLs before any route or hook runs: a malformed %-escape (such as
 * an encoded surrogate, %ED%A0%80) and a path parameter over 100 characters. Its own answer is a
 * plain JSON body; this sends our problem instead.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH")
    sendProblem(
      Object.assign(new Error("A part of this address is too long"), { statusCode: 414 }),
      request,
      reply,
    );
  else if (error.code === "FST_ERR_BAD_URL")
    sendProblem(
      new AppError("bad_request", "This address isn't valid: it has a malformed %-escape"),
      request,
      reply,
    );
  else sendProblem(error, request, reply);
}

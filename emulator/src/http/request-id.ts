/**
 * Graph and Entra stamp every response with `request-id` and echo the caller's
 * `client-request-id` (or reuse the request id when none was sent). Fastify's `request.id` is a
 * GUID (see `genReqId` in app.ts), so it doubles as Graph's request-id and Entra's trace id.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";

export const newRequestId = (): string => randomUUID();

export function clientRequestId(request: FastifyRequest): string {
  const sent = request.headers["client-request-id"];
  return typeof sent === "string" && sent.length > 0 ? sent : request.id;
}

export function addRequestIdHeaders(app: FastifyInstance): void {
  // Callback-style (not async): on the hot path of every request, a promise per hook adds up.
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("request-id", request.id);
    reply.header("client-request-id", clientRequestId(request));
    done();
  });
}

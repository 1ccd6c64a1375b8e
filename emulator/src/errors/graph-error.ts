/**
 * Graph's error shape: `{"error":{"code","message","innerError":{"date","request-id",
 * "client-request-id"}}}`, with `request-id` / `client-request-id` response headers (set for every
 * response by http/request-id.ts).
 * https://learn.microsoft.com/graph/errors
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { graphDateTime } from "../clock.ts";
import { clientRequestId } from "../http/request-id.ts";

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; "request-id": string; "client-request-id": string };
  };
}

/** The body alone, for `$batch` items and other places that embed an error. */
export function graphErrorBody(request: FastifyRequest, code: string, message: string): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: {
        date: graphDateTime(request.server.emulator.clock.now()),
        "request-id": request.id,
        "client-request-id": clientRequestId(request),
      },
    },
  };
}

/** Sends a Graph error, e.g. `graphError(reply, 404, "ErrorItemNotFound", "The specified object was not found in the store.")`. */
export function graphError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type("application/json")
    .send(graphErrorBody(reply.request, code, message));
}

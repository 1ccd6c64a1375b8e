/** The control API's answer to a bad body: 400 `{error: "invalid_request", message}`. */
import type { FastifyReply } from "fastify";
import { z } from "zod";

export function invalid(reply: FastifyReply, error: z.ZodError | string) {
  const message = typeof error === "string" ? error : z.prettifyError(error);
  return reply.code(400).send({ error: "invalid_request", message });
}

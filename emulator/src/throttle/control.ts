/**
 * Control API for throttling, under `/_emulator/throttle`: read the limits and live usage, change
 * the limits (or switch throttling off) at runtime, forget usage.
 */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { graphDateTime } from "../clock.ts";
import { ThrottleOptionsSchema } from "./limits.ts";
import { throttleState } from "./throttle-state.ts";

export const throttleControl: FastifyPluginAsync = async (app) => {
  const state = throttleState(app.emulator);

  app.get("/throttle", async () => ({
    config: state.config,
    usage: [...state.usages.values()].map((usage) => ({
      appId: usage.appId,
      mailboxId: usage.mailboxId,
      inFlight: usage.inFlight,
      requestsInWindow: usage.requestsInWindow,
      windowEndsAt: graphDateTime(usage.windowStart + state.config.windowSeconds * 1000),
    })),
  }));

  app.patch("/throttle", async (request, reply) => {
    const parsed = ThrottleOptionsSchema.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: "invalid_request", message: z.prettifyError(parsed.error) });
    state.config = { ...state.config, ...parsed.data };
    return { config: state.config };
  });

  app.post("/throttle/reset", async (_request, reply) => {
    state.usages.clear();
    return reply.code(204).send();
  });
};

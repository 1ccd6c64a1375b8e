/**
 * Control API under `/_emulator`: health, request counters, reset, virtual clock. Other modules
 * add their own control routes from their own folders (see ARCHITECTURE-NOTES.md).
 */
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { graphDateTime } from "../clock.ts";
import type { EmulatorModule } from "../context.ts";

const AdvanceBody = z.object({
  ms: z.number().nonnegative().optional(),
  seconds: z.number().nonnegative().optional(),
  minutes: z.number().nonnegative().optional(),
  hours: z.number().nonnegative().optional(),
  days: z.number().nonnegative().optional(),
});

const control: FastifyPluginAsync = async (app) => {
  const { store, clock } = app.emulator;

  app.get("/health", async () => ({
    status: "ok",
    now: graphDateTime(clock.now()),
    timeScale: clock.timeScale,
    mailboxes: store.state.mailboxes.size,
  }));

  app.get("/counters", async () => {
    const endpoints = Object.fromEntries(store.state.counters);
    let total = 0;
    for (const counter of store.state.counters.values()) total += counter.count;
    return { total, endpoints };
  });

  app.post("/counters/reset", async (_request, reply) => {
    store.state.counters.clear();
    return reply.code(204).send();
  });

  app.post("/reset", async (_request, reply) => {
    app.emulator.resetToSeed();
    return reply.code(204).send();
  });

  app.get("/clock", async () => ({
    now: graphDateTime(clock.now()),
    nowMs: clock.now(),
    timeScale: clock.timeScale,
  }));

  app.post("/clock/advance", async (request, reply) => {
    const parsed = AdvanceBody.safeParse(request.body ?? {});
    if (!parsed.success)
      return reply.code(400).send({ error: "invalid_request", message: z.prettifyError(parsed.error) });
    const { ms = 0, seconds = 0, minutes = 0, hours = 0, days = 0 } = parsed.data;
    clock.advance(ms + 1_000 * (seconds + 60 * (minutes + 60 * (hours + 24 * days))));
    return { now: graphDateTime(clock.now()), nowMs: clock.now() };
  });
};

export const controlModule: EmulatorModule = { name: "control", prefix: "/_emulator", plugin: control };

/**
 * Control API for HTTP faults, under `/_emulator/faults`: 429/503 bursts, added latency, listing
 * (with when each rule fired), removing one rule, clearing all.
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { z } from "zod";
import {
  BurstInput,
  type BurstRule,
  type FaultRule,
  faultRules,
  LatencyInput,
  type LatencyRule,
  newRuleBase,
} from "./fault-rules.ts";

/** Graph's answers when these are not overridden (https://learn.microsoft.com/graph/throttling#sample-response, https://learn.microsoft.com/graph/errors). */
const DEFAULT_ERRORS = {
  429: { code: "TooManyRequests", message: "Please retry again later." },
  503: {
    code: "ServiceUnavailable",
    message:
      "The service is temporarily unavailable for maintenance or is overloaded. Please retry after a delay.",
  },
} as const;

export const faultControl: FastifyPluginAsync = async (app) => {
  const rules = faultRules(app.emulator);
  const { store } = app.emulator;
  const mailboxIdOf = (mailbox: string | undefined): string | undefined =>
    mailbox === undefined ? undefined : (store.mailbox(mailbox)?.id ?? mailbox);

  app.get("/faults", async () => ({ faults: rules }));

  app.post("/faults/burst", async (request, reply) => {
    const parsed = BurstInput.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error);
    const input = parsed.data;
    const rule: BurstRule = {
      ...newRuleBase({ ...input, mailbox: mailboxIdOf(input.mailbox) }, input.count),
      kind: "burst",
      status: input.status,
      retryAfterSeconds: input.retryAfterSeconds,
      code: input.code ?? DEFAULT_ERRORS[input.status].code,
      message: input.message ?? DEFAULT_ERRORS[input.status].message,
    };
    return add(reply, rule);
  });

  app.post("/faults/latency", async (request, reply) => {
    const parsed = LatencyInput.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error);
    const input = parsed.data;
    const rule: LatencyRule = {
      ...newRuleBase({ ...input, mailbox: mailboxIdOf(input.mailbox) }, input.count ?? null),
      kind: "latency",
      ms: input.ms,
      jitterMs: input.jitterMs,
    };
    return add(reply, rule);
  });

  app.delete("/faults/:id", async (request, reply) => {
    const { id } = request.params as { id: string };
    const index = rules.findIndex((rule) => rule.id === id);
    if (index < 0) return reply.code(404).send({ error: "not_found", message: `no fault ${id}` });
    rules.splice(index, 1);
    return reply.code(204).send();
  });

  app.post("/faults/clear", async (_request, reply) => {
    rules.length = 0;
    return reply.code(204).send();
  });

  function add(reply: FastifyReply, rule: FaultRule): FastifyReply {
    rules.push(rule);
    return reply.code(201).send(rule);
  }
};

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(400).send({ error: "invalid_request", message: z.prettifyError(error) });
}

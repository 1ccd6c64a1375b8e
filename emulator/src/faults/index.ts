/**
 * HTTP faults on Graph requests (batch items included): 429/503 bursts answered before any
 * route or throttling runs, and added latency while the request holds its throttling slot (so
 * slow requests overlap the way they do against a busy mailbox).
 *
 * Like the throttle module, the plugin skips Fastify's encapsulation so its hooks see every route.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { EmulatorModule } from "../context.ts";
import { type GraphErrorBody, graphErrorBody } from "../errors/graph-error.ts";
import { pathOf, requestTarget } from "../throttle/request-target.ts";
import { faultControl } from "./control.ts";
import { type BurstRule, faultRules, type MatchedRequest, takeRule } from "./fault-rules.ts";

const faultHooks: FastifyPluginAsync = async (app) => {
  const { store, clock } = app.emulator;
  const rules = faultRules(app.emulator);
  const unsubscribe = store.onReset(() => {
    rules.length = 0;
  });
  app.addHook("onClose", async () => unsubscribe());

  const matchable = (request: FastifyRequest): MatchedRequest => ({
    method: request.method,
    path: pathOf(request.url),
    mailboxId: requestTarget(store, request.url, request.headers.authorization).mailboxId,
  });

  // Callback-style hooks: they run for every request (almost always with no rule to check), and a
  // promise per hook per request adds up.
  app.addHook("onRequest", (request, reply, done) => {
    if (rules.length === 0) return done();
    const burst = takeRule(rules, "burst", matchable(request), clock.now());
    if (!burst) return done();
    if (burst.retryAfterSeconds !== null) reply.header("Retry-After", String(burst.retryAfterSeconds));
    reply.code(burst.status).type("application/json").send(burstBody(request, burst));
  });

  app.addHook("preHandler", (request, _reply, done) => {
    if (rules.length === 0) return done();
    const latency = takeRule(rules, "latency", matchable(request), clock.now());
    if (!latency) return done();
    const delay = latency.ms + Math.random() * latency.jitterMs;
    // A frozen clock never fires a zero-delay timer on its own; nothing to wait for anyway.
    if (delay <= 0) return done();
    clock.sleep(delay).then(() => done(), done);
  });
};
Object.defineProperty(faultHooks, Symbol.for("skip-override"), { value: true });

/**
 * Graph's documented throttling answer carries extra innerError fields
 * (https://learn.microsoft.com/graph/throttling#sample-response); 503 uses the plain error shape.
 */
function burstBody(request: FastifyRequest, rule: BurstRule): GraphErrorBody | ThrottledBody {
  const body = graphErrorBody(request, rule.code, rule.message);
  if (rule.status !== 429) return body;
  const { date, "request-id": requestId, "client-request-id": clientRequestId } = body.error.innerError;
  const innerError = {
    code: "429",
    date,
    message: "Please retry after",
    "request-id": requestId,
    status: "429",
    "client-request-id": clientRequestId,
  };
  return { error: { code: rule.code, innerError, message: rule.message } };
}

interface ThrottledBody {
  error: {
    code: string;
    message: string;
    innerError: GraphErrorBody["error"]["innerError"] & { code: string; message: string; status: string };
  };
}

export const faultsModule: EmulatorModule = { name: "faults", plugin: faultHooks, control: faultControl };

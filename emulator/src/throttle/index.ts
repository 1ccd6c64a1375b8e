/**
 * Outlook-like throttling for every Graph request, batch items included (they arrive here as
 * requests of their own): 429 `ApplicationThrottled` with Retry-After when an app is over its
 * per-mailbox concurrency or request budget.
 * https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits
 *
 * The plugin skips Fastify's encapsulation (as fastify-plugin does) so that its hooks sit on the
 * root instance and see the routes of every module.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { EmulatorModule } from "../context.ts";
import { graphError } from "../errors/graph-error.ts";
import { throttleControl } from "./control.ts";
import { admit, THROTTLE_MESSAGES } from "./limits.ts";
import { isBatchEnvelope, pathOf, requestTarget } from "./request-target.ts";
import { resetThrottle, throttleState } from "./throttle-state.ts";

const throttleHooks: FastifyPluginAsync = async (app) => {
  const { store, clock } = app.emulator;
  const state = throttleState(app.emulator);
  const slots = new WeakMap<FastifyRequest, () => void>();
  const unsubscribe = store.onReset(() => resetThrottle(state));
  app.addHook("onClose", async () => unsubscribe());

  app.addHook("onRequest", async (request, reply) => {
    if (!state.config.enabled || isBatchEnvelope(pathOf(request.url))) return;
    const { appId, mailboxId } = requestTarget(store, request.url, request.headers.authorization);
    if (!appId || !mailboxId) return;
    const admission = admit(state.usages, state.config, appId, mailboxId, clock.now());
    if (admission.ok) {
      slots.set(request, admission.release);
      return;
    }
    reply.header("Retry-After", String(admission.retryAfterSeconds));
    return graphError(reply, 429, "ApplicationThrottled", THROTTLE_MESSAGES[admission.limit]);
  });

  const release = async (request: FastifyRequest): Promise<void> => {
    slots.get(request)?.();
    slots.delete(request);
  };
  app.addHook("onResponse", release);
  app.addHook("onRequestAbort", release);
};
Object.defineProperty(throttleHooks, Symbol.for("skip-override"), { value: true });

export const throttleModule: EmulatorModule = {
  name: "throttle",
  plugin: throttleHooks,
  control: throttleControl,
};

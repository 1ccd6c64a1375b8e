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

  // Callback-style hooks: they run for every request, and a promise per hook adds up.
  app.addHook("onRequest", (request, reply, done) => {
    if (!state.config.enabled || isBatchEnvelope(pathOf(request.url))) return done();
    const { appId, mailboxId } = requestTarget(store, request.url, request.headers.authorization);
    if (!appId || !mailboxId) return done();
    const admission = admit(state.usages, state.config, appId, mailboxId, clock.now());
    if (admission.ok) {
      slots.set(request, admission.release);
      // What an onRequestAbort hook does (free the slot of a request the client gave up on), but
      // only for requests holding a slot: such a hook costs every request a listener and a closure.
      request.raw.once("close", () => {
        if (request.raw.aborted) release(request);
      });
      return done();
    }
    reply.header("Retry-After", String(admission.retryAfterSeconds));
    graphError(reply, 429, "ApplicationThrottled", THROTTLE_MESSAGES[admission.limit]);
  });

  const release = (request: FastifyRequest): void => {
    const slot = slots.get(request);
    if (slot === undefined) return;
    slot();
    slots.delete(request);
  };
  app.addHook("onResponse", (request, _reply, done) => {
    release(request);
    done();
  });
};
Object.defineProperty(throttleHooks, Symbol.for("skip-override"), { value: true });

export const throttleModule: EmulatorModule = {
  name: "throttle",
  plugin: throttleHooks,
  control: throttleControl,
};

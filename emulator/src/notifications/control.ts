/**
 * Control API for change notifications, under `/_emulator/notifications` (documented in README.md):
 * subscriptions with delivery counters, settings, faults, lifecycle events on demand, expiry now.
 */
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { z } from "zod";
import type { Subscription } from "../store/notification-types.ts";
import { FaultInput } from "./faults.ts";
import { notificationRuntime } from "./runtime.ts";
import { SettingsPatchSchema } from "./settings.ts";
import { isoDateTime, toGraphSubscription } from "./subscription-view.ts";

const LifecycleBody = z
  .object({
    event: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]),
    /** reauthorizationRequired only: pause delivery until the app reauthorizes (default true). */
    pause: z.boolean().optional(),
  })
  .strict();

type IdParams = { Params: { id: string } };

export const notificationsControl: FastifyPluginAsync = async (app) => {
  const { store, clock } = app.emulator;
  const runtime = notificationRuntime(app.emulator);

  const describe = (subscription: Subscription) => ({
    ...toGraphSubscription(subscription),
    mailboxId: subscription.mailboxId,
    folderId: subscription.folderId,
    paused: subscription.paused,
    authorizedUntil: isoDateTime(subscription.authorizedUntil),
    stats: { ...runtime.stats.of(subscription.id) },
  });
  const badRequest = (reply: FastifyReply, error: z.ZodError) =>
    reply.code(400).send({ error: "invalid_request", message: z.prettifyError(error) });
  const notFound = (reply: FastifyReply, id: string) =>
    reply.code(404).send({ error: "not_found", message: `no subscription ${id}` });

  app.get("/notifications", async () => ({
    settings: runtime.settings,
    totals: runtime.stats.totals,
    faults: runtime.faults.list(),
    subscriptions: [...store.state.subscriptions.values()].map(describe),
  }));

  app.get("/notifications/subscriptions", async () => ({
    value: [...store.state.subscriptions.values()].map(describe),
  }));

  app.patch("/notifications/settings", async (request, reply) => {
    const parsed = SettingsPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) return badRequest(reply, parsed.error);
    return runtime.configure(parsed.data);
  });

  app.get("/notifications/faults", async () => ({ value: runtime.faults.list() }));

  app.post("/notifications/faults", async (request, reply) => {
    const parsed = FaultInput.safeParse(request.body ?? {});
    if (!parsed.success) return badRequest(reply, parsed.error);
    return reply.code(201).send(runtime.faults.add(parsed.data, clock.now()));
  });

  app.delete("/notifications/faults", async (_request, reply) => {
    runtime.faults.clear();
    return reply.code(204).send();
  });

  app.delete<IdParams>("/notifications/faults/:id", async (request, reply) => {
    if (!runtime.faults.remove(request.params.id))
      return reply.code(404).send({ error: "not_found", message: `no fault ${request.params.id}` });
    return reply.code(204).send();
  });

  app.post<IdParams>("/notifications/subscriptions/:id/lifecycle", async (request, reply) => {
    const subscription = store.state.subscriptions.get(request.params.id);
    if (!subscription) return notFound(reply, request.params.id);
    const parsed = LifecycleBody.safeParse(request.body ?? {});
    if (!parsed.success) return badRequest(reply, parsed.error);
    const { event, pause = true } = parsed.data;
    let sent: boolean;
    if (event === "reauthorizationRequired") sent = runtime.lifecycle.challenge(subscription, pause);
    else if (event === "subscriptionRemoved") {
      sent = subscription.lifecycleNotificationUrl !== null;
      runtime.lifecycle.remove(subscription.id, true);
    } else sent = runtime.sendLifecycle(subscription, "missed");
    return reply.code(202).send({ event, sent });
  });

  // Graph deletes expired subscriptions silently: no lifecycle notification.
  app.post<IdParams>("/notifications/subscriptions/:id/expire", async (request, reply) => {
    const subscription = store.state.subscriptions.get(request.params.id);
    if (!subscription) return notFound(reply, request.params.id);
    subscription.expiresAt = clock.now();
    runtime.lifecycle.remove(subscription.id, false);
    return reply.code(204).send();
  });
};

/**
 * `/v1.0/subscriptions` routes. An app sees only its own subscriptions (delegated: those it created
 * for the signed-in user); any other id is 404 ResourceNotFound "The object was not found." as
 * Graph answers for unknown or expired ids (observed: msgraph-sdk-php#221).
 * List: https://learn.microsoft.com/graph/api/subscription-list
 * Renew: https://learn.microsoft.com/graph/api/subscription-update
 * Delete: https://learn.microsoft.com/graph/api/subscription-delete
 * Reauthorize: https://learn.microsoft.com/graph/api/subscription-reauthorize
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { graphError } from "../errors/graph-error.ts";
import type { Subscription } from "../store/notification-types.ts";
import { authenticateCaller, type SubscriptionCaller } from "./caller.ts";
import { createSubscription } from "./create.ts";
import { checkExpiration } from "./expiration.ts";
import { notificationRuntime } from "./runtime.ts";
import { toGraphSubscription } from "./subscription-view.ts";

type IdParams = { Params: { id: string } };

export const subscriptionRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.emulator;
  const runtime = notificationRuntime(app.emulator);
  const context = () => `${app.emulator.baseUrl}/v1.0/$metadata#subscriptions`;

  app.post("/subscriptions", createSubscription);

  app.get("/subscriptions", async (request, reply) => {
    const caller = authenticateCaller(request, reply);
    if (!caller) return reply;
    const value = [...store.state.subscriptions.values()]
      .filter((subscription) => visibleTo(subscription, caller) && runtime.isActive(subscription.id))
      .map(toGraphSubscription);
    return { "@odata.context": context(), value };
  });

  app.get<IdParams>("/subscriptions/:id", async (request, reply) => {
    const found = ownSubscription(request, reply);
    if (!found) return reply;
    return { "@odata.context": `${context()}/$entity`, ...toGraphSubscription(found.subscription) };
  });

  // Renewing also reauthorizes (https://learn.microsoft.com/graph/change-notifications-lifecycle-events).
  app.patch<IdParams>("/subscriptions/:id", async (request, reply) => {
    const found = ownSubscription(request, reply);
    if (!found) return reply;
    const body = (request.body ?? {}) as { expirationDateTime?: unknown };
    const now = app.emulator.clock.now();
    const check = checkExpiration(body.expirationDateTime, now, runtime.settings.maxExpirationMinutes);
    if (!check.ok) return graphError(reply, check.status, check.code, check.message);
    const { subscription, caller } = found;
    subscription.expiresAt = check.expiresAt;
    runtime.lifecycle.reauthorize(subscription, caller.tokenExpiresAt);
    return { "@odata.context": `${context()}/$entity`, ...toGraphSubscription(subscription) };
  });

  app.delete<IdParams>("/subscriptions/:id", async (request, reply) => {
    const found = ownSubscription(request, reply);
    if (!found) return reply;
    runtime.lifecycle.remove(found.subscription.id, false);
    return reply.code(204).send();
  });

  app.post<IdParams>("/subscriptions/:id/reauthorize", async (request, reply) => {
    const found = ownSubscription(request, reply);
    if (!found) return reply;
    runtime.lifecycle.reauthorize(found.subscription, found.caller.tokenExpiresAt);
    return reply.code(204).send();
  });

  function ownSubscription(
    request: FastifyRequest<IdParams>,
    reply: FastifyReply,
  ): { subscription: Subscription; caller: SubscriptionCaller } | undefined {
    const caller = authenticateCaller(request, reply);
    if (!caller) return undefined;
    const subscription = store.state.subscriptions.get(request.params.id);
    if (!subscription || !visibleTo(subscription, caller) || !runtime.isActive(subscription.id)) {
      graphError(reply, 404, "ResourceNotFound", "The object was not found.");
      return undefined;
    }
    return { subscription, caller };
  }
};

function visibleTo(subscription: Subscription, caller: SubscriptionCaller): boolean {
  if (subscription.clientId !== caller.clientId || subscription.tenantId !== caller.tenantId) return false;
  return caller.appOnly || subscription.creatorId === caller.principalId;
}

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { SecretBox } from "../../crypto/secret-box.ts";
import type { Db } from "../../db/client.ts";
import { AppError } from "../../errors.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { sendSubscriptionUpkeep, sendSyncChannels } from "../job-messages.ts";
import { subscriptionSecrets } from "../subscriptions/subscription-store.ts";
import { notifiedSyncs } from "./notified-syncs.ts";
import {
  MAX_WEBHOOK_BODY_BYTES,
  type Parsed,
  parseChangeNotifications,
  parseLifecycleNotifications,
  validationToken,
} from "./parse-notifications.ts";
import { type Notified, subscriptionCache } from "./subscription-cache.ts";

export interface WebhookOptions {
  db: Db;
  box: SecretBox;
  queue: JobQueue;
}

/**
 * Graph's webhook and lifecycle endpoints. Notifications are hints: a valid one only enqueues a
 * delta sync (one pending per channel, coalesced by notified-syncs.ts) or a subscription upkeep
 * job, and the answer is 202 at once — Graph drops endpoints slower than 3 s. Unknown
 * subscriptions and wrong clientStates (subscription-cache.ts) are logged and answered 202 like
 * the rest, revealing nothing.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export const webhookRoutes: FastifyPluginAsync<WebhookOptions> = async (app, { db, box, queue }) => {
  /** The validation handshake answers before the body is read: exactly the decoded token, as text. */
  const handshake = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = validationToken(request.query);
    if (token === undefined) return;
    return reply
      .status(200)
      .header("content-type", "text/plain; charset=utf-8")
      .header("x-content-type-options", "nosniff")
      .header("cache-control", "no-store")
      .send(token);
  };

  const cache = subscriptionCache((ids) => subscriptionSecrets(db, box, ids));
  const verified = <T extends Notified>(request: FastifyRequest, items: T[]) =>
    cache.verify(items, (item, known) =>
      request.log.warn(
        { subscriptionId: item.subscriptionId, known },
        "notification ignored: unknown subscription or wrong clientState",
      ),
    );

  const syncs = notifiedSyncs((jobs) =>
    sendSyncChannels(queue, jobs).catch((err: unknown) =>
      app.log.error({ err, channels: jobs.length }, "could not queue notified syncs"),
    ),
  );
  app.addHook("onClose", async () => {
    await syncs.close();
  });

  /** A body that isn't a notification collection: the common problem shape, via the error handler. */
  function refuse(request: FastifyRequest, parsed: Parsed<unknown>): never {
    request.log.warn({ reason: parsed.ok ? undefined : parsed.reason }, "malformed notification body");
    throw new AppError("bad_request", "Malformed notification");
  }

  const routeOptions = { bodyLimit: MAX_WEBHOOK_BODY_BYTES, onRequest: handshake };

  app.post("/api/outlook/webhook", routeOptions, async (request, reply) => {
    const parsed = parseChangeNotifications(request.body);
    if (!parsed.ok) refuse(request, parsed);
    const valid = await verified(request, parsed.items);
    syncs.syncSoon(valid.map((v) => v.channelId));
    return reply.status(202).send();
  });

  app.post("/api/outlook/lifecycle", routeOptions, async (request, reply) => {
    const parsed = parseLifecycleNotifications(request.body);
    if (!parsed.ok) refuse(request, parsed);
    const valid = await verified(request, parsed.items);
    request.log.info(
      { events: valid.map((v) => [v.item.subscriptionId, v.item.lifecycleEvent]) },
      "lifecycle notifications",
    );
    for (const { item } of valid) {
      const { subscriptionId } = item;
      if (item.lifecycleEvent === "reauthorizationRequired")
        await sendSubscriptionUpkeep(queue, { action: "reauthorize", subscriptionId });
      if (item.lifecycleEvent === "subscriptionRemoved")
        await sendSubscriptionUpkeep(queue, { action: "recreate", subscriptionId });
    }
    // missed and subscriptionRemoved: changes may have gone unannounced, so run delta now.
    syncs.syncSoon(
      valid.filter((v) => v.item.lifecycleEvent !== "reauthorizationRequired").map((v) => v.channelId),
      "lifecycle",
    );
    return reply.status(202).send();
  });
};

import { timingSafeEqual } from "node:crypto";
import { inArray } from "drizzle-orm";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Db } from "../db/client.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { clientStateContext } from "./channel-subscriptions.ts";
import {
  MAX_WEBHOOK_BODY_BYTES,
  type Parsed,
  parseChangeNotifications,
  parseLifecycleNotifications,
  validationToken,
} from "./parse-notifications.ts";
import { type SubscriptionRow, subscriptions } from "./schema.ts";
import type { SubscriptionUpkeepJob } from "./subscription-jobs.ts";

export interface WebhookOptions {
  db: Db;
  box: SecretBox;
  queue: JobQueue;
}

type KnownSubscription = Pick<SubscriptionRow, "id" | "channelId" | "clientStateSealed">;

interface Notified {
  subscriptionId: string;
  clientState?: string | null | undefined;
}

/** Constant-time comparison; unequal lengths compare a buffer with itself so timing stays flat. */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

/**
 * Graph's webhook and lifecycle endpoints. Notifications are hints: a valid one only enqueues a
 * delta sync (one pending per channel, via the singleton key) or a subscription upkeep job, and the
 * answer is 202 at once — Graph drops endpoints slower than 3 s. Unknown subscriptions and wrong
 * clientStates are logged and answered 202 like the rest, revealing nothing.
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

  /** One primary-key query per body, whatever the number of notifications in it. */
  async function verified<T extends Notified>(request: FastifyRequest, items: T[]) {
    const ids = [...new Set(items.map((i) => i.subscriptionId))];
    const rows = await db
      .select({
        id: subscriptions.id,
        channelId: subscriptions.channelId,
        clientStateSealed: subscriptions.clientStateSealed,
      })
      .from(subscriptions)
      .where(inArray(subscriptions.id, ids));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const secrets = new Map<string, string>();
    const secretOf = (row: KnownSubscription) => {
      let secret = secrets.get(row.id);
      if (secret === undefined) {
        secret = box.open(row.clientStateSealed, clientStateContext(row.id));
        secrets.set(row.id, secret);
      }
      return secret;
    };
    const valid: { item: T; row: KnownSubscription }[] = [];
    for (const item of items) {
      const row = byId.get(item.subscriptionId);
      const ok =
        row !== undefined &&
        typeof item.clientState === "string" &&
        sameSecret(secretOf(row), item.clientState);
      if (ok) valid.push({ item, row });
      else
        request.log.warn(
          { subscriptionId: item.subscriptionId, known: row !== undefined },
          "notification ignored: unknown subscription or wrong clientState",
        );
    }
    return valid;
  }

  /** One pending sync per channel; the job records `notifiedAt` as the channel's last notification. */
  const syncOnce = (channelIds: Iterable<string>, reason: "notification" | "lifecycle") => {
    const notifiedAt = new Date().toISOString();
    return Promise.all(
      [...new Set(channelIds)].map((channelId) =>
        queue.send("sync-channel", { channelId, reason, notifiedAt }, { singletonKey: channelId }),
      ),
    );
  };

  const upkeep = (job: SubscriptionUpkeepJob & { subscriptionId: string }) =>
    queue.send("subscription-upkeep", job, { singletonKey: `${job.action}:${job.subscriptionId}` });

  function refuse(request: FastifyRequest, reply: FastifyReply, parsed: Parsed<unknown>) {
    request.log.warn({ reason: parsed.ok ? undefined : parsed.reason }, "malformed notification body");
    return reply
      .status(400)
      .type("application/problem+json")
      .send({ type: "about:blank", title: "Bad Request", status: 400, detail: "Malformed notification" });
  }

  const routeOptions = { bodyLimit: MAX_WEBHOOK_BODY_BYTES, onRequest: handshake };

  app.post("/api/outlook/webhook", routeOptions, async (request, reply) => {
    const parsed = parseChangeNotifications(request.body);
    if (!parsed.ok) return refuse(request, reply, parsed);
    const valid = await verified(request, parsed.items);
    await syncOnce(
      valid.map((v) => v.row.channelId),
      "notification",
    );
    return reply.status(202).send();
  });

  app.post("/api/outlook/lifecycle", routeOptions, async (request, reply) => {
    const parsed = parseLifecycleNotifications(request.body);
    if (!parsed.ok) return refuse(request, reply, parsed);
    const valid = await verified(request, parsed.items);
    request.log.info(
      { events: valid.map((v) => [v.item.subscriptionId, v.item.lifecycleEvent]) },
      "lifecycle notifications",
    );
    for (const { item } of valid) {
      if (item.lifecycleEvent === "reauthorizationRequired")
        await upkeep({ action: "reauthorize", subscriptionId: item.subscriptionId });
      if (item.lifecycleEvent === "subscriptionRemoved")
        await upkeep({ action: "recreate", subscriptionId: item.subscriptionId });
    }
    // missed and subscriptionRemoved: changes may have gone unannounced, so run delta now.
    await syncOnce(
      valid.filter((v) => v.item.lifecycleEvent !== "reauthorizationRequired").map((v) => v.row.channelId),
      "lifecycle",
    );
    return reply.status(202).send();
  });
};

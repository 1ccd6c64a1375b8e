import { z } from "zod";
import { type GraphClient, GraphError } from "./graph-client.ts";

/**
 * Change-notification subscriptions on a mail folder: create (Graph first validates both URLs),
 * renew, reauthorize, delete. The maximum lifetime for Outlook messages is 10,080 minutes today,
 * but some servers still answer "Subscription expiration can only be 4230 minutes in the future."
 * — so we learn the limit from that error and retry once with it.
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 * https://learn.microsoft.com/graph/api/resources/subscription (maximum length of subscription)
 */
export const OUTLOOK_MAX_MINUTES = 10_080;
/** Renew this far inside the limit, so clock skew and a slow renewal never let it lapse. */
const SAFETY_MINUTES = 15;

const subscriptionSchema = z.object({
  id: z.string().min(1),
  expirationDateTime: z.string(),
  resource: z.string().optional(),
});

export interface Subscription {
  id: string;
  expiresAt: Date;
}

export interface NewSubscription {
  /** A well-known folder name (`inbox`, `sentitems`) or a folder id. */
  folder: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  clientState: string;
  /** Longest lifetime to ask for (what we learnt from an earlier refusal). */
  maxMinutes?: number;
  now?: Date;
}

/** The limit named in Graph's refusal, if the message states one. */
export function maxMinutesFromError(message: string): number | undefined {
  const match = /can only be (\d+) minutes in the future/i.exec(message);
  return match ? Number(match[1]) : undefined;
}

function expiry(now: Date, minutes: number): Date {
  return new Date(now.getTime() + Math.max(1, minutes - SAFETY_MINUTES) * 60_000);
}

export async function createSubscription(
  graph: GraphClient,
  input: NewSubscription,
): Promise<Subscription & { maxMinutes: number }> {
  const now = input.now ?? new Date();
  const attempt = (minutes: number) =>
    graph.request(
      {
        method: "POST",
        path: "/subscriptions",
        body: {
          changeType: "created,updated,deleted",
          notificationUrl: input.notificationUrl,
          lifecycleNotificationUrl: input.lifecycleNotificationUrl,
          resource: `/me/mailFolders('${input.folder}')/messages`,
          expirationDateTime: expiry(now, minutes).toISOString(),
          clientState: input.clientState,
          latestSupportedTlsVersion: "v1_2",
        },
      },
      subscriptionSchema,
    );
  const { result, maxMinutes } = await withLearntLimit(input.maxMinutes ?? OUTLOOK_MAX_MINUTES, attempt);
  return { id: result.id, expiresAt: new Date(result.expirationDateTime), maxMinutes };
}

export async function renewSubscription(
  graph: GraphClient,
  id: string,
  options: { maxMinutes?: number; now?: Date } = {},
): Promise<Subscription & { maxMinutes: number }> {
  const now = options.now ?? new Date();
  const attempt = (minutes: number) =>
    graph.request(
      {
        method: "PATCH",
        path: `/subscriptions/${encodeURIComponent(id)}`,
        body: { expirationDateTime: expiry(now, minutes).toISOString() },
        repeatable: true,
      },
      subscriptionSchema,
    );
  const { result, maxMinutes } = await withLearntLimit(options.maxMinutes ?? OUTLOOK_MAX_MINUTES, attempt);
  return { id: result.id, expiresAt: new Date(result.expirationDateTime), maxMinutes };
}

/** `POST` here reauthorizes a subscription (alone, or as a `$batch` item). */
export function reauthorizePath(id: string): string {
  return `/subscriptions/${encodeURIComponent(id)}/reauthorize`;
}

/** After a reauthorizationRequired lifecycle event: Graph resumes delivery. */
export async function reauthorizeSubscription(graph: GraphClient, id: string): Promise<void> {
  await graph.send({ method: "POST", path: reauthorizePath(id), repeatable: true });
}

/** Deletes a subscription; one that is already gone counts as deleted. */
export async function deleteSubscription(graph: GraphClient, id: string): Promise<void> {
  try {
    await graph.send({
      method: "DELETE",
      path: `/subscriptions/${encodeURIComponent(id)}`,
      repeatable: true,
    });
  } catch (err) {
    if (err instanceof GraphError && err.status === 404) return;
    throw err;
  }
}

async function withLearntLimit<T>(
  minutes: number,
  attempt: (minutes: number) => Promise<T>,
): Promise<{ result: T; maxMinutes: number }> {
  try {
    return { result: await attempt(minutes), maxMinutes: minutes };
  } catch (err) {
    const learnt =
      err instanceof GraphError && err.status === 400 ? maxMinutesFromError(err.message) : undefined;
    if (learnt === undefined || learnt >= minutes) throw err;
    return { result: await attempt(learnt), maxMinutes: learnt };
  }
}

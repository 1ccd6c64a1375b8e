import { z } from "zod";

/**
 * Microsoft Graph's webhook bodies, parsed at the edge. Notifications are hints: the only thing
 * Mailroom takes from one is "look at this subscription's channel again" — never content — so a
 * spoofed body can at most trigger a sync. Unknown fields are ignored; anything malformed is
 * refused as a whole.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events
 */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const changeNotification = z.object({
  subscriptionId: z.string().min(1).max(128),
  clientState: z.string().max(128).nullish(),
  changeType: z.enum(["created", "updated", "deleted"]),
  resource: z.string().max(2048).optional(),
  tenantId: z.string().max(128).optional(),
  subscriptionExpirationDateTime: z.string().max(64).optional(),
});

const lifecycleNotification = z.object({
  subscriptionId: z.string().min(1).max(128),
  clientState: z.string().max(128).nullish(),
  lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]),
  tenantId: z.string().max(128).optional(),
  subscriptionExpirationDateTime: z.string().max(64).optional(),
});

const collection = <T extends z.ZodType>(item: T) => z.object({ value: z.array(item).min(1).max(1000) });
// Built once: zod compiles a schema on first use, and intake parses thousands of bodies a second.
const changeCollection = collection(changeNotification);
const lifecycleCollection = collection(lifecycleNotification);

export type ChangeNotification = z.infer<typeof changeNotification>;
export type LifecycleNotification = z.infer<typeof lifecycleNotification>;

export type Parsed<T> = { ok: true; items: T[] } | { ok: false; reason: string };

export function parseChangeNotifications(body: unknown): Parsed<ChangeNotification> {
  return parse(changeCollection, body);
}

export function parseLifecycleNotifications(body: unknown): Parsed<LifecycleNotification> {
  return parse(lifecycleCollection, body);
}

function parse<T>(schema: z.ZodType<{ value: T[] }>, body: unknown): Parsed<T> {
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, items: result.data.value };
  const issue = result.error.issues[0];
  return {
    ok: false,
    reason: issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid body",
  };
}

/**
 * The validation handshake: Graph POSTs `?validationToken=…` and expects the decoded token back
 * as text/plain within 10 s. Returns the token to echo, or undefined for a normal notification.
 */
export function validationToken(query: unknown): string | undefined {
  if (!query || typeof query !== "object") return undefined;
  const token = (query as Record<string, unknown>).validationToken;
  return typeof token === "string" && token.length > 0 && token.length <= 1024 ? token : undefined;
}

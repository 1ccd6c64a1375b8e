/**
 * `POST /v1.0/subscriptions`: checks the request like Graph, runs the validation handshake against
 * notificationUrl and lifecycleNotificationUrl, then stores the subscription and answers 201.
 * https://learn.microsoft.com/graph/api/subscription-post-subscriptions
 */
import { randomUUID } from "node:crypto";
import { setTimeout as realDelay } from "node:timers/promises";
import type { FastifyReply, FastifyRequest } from "fastify";
import { graphError } from "../errors/graph-error.ts";
import { findFolder } from "../store/folders.ts";
import type { Subscription } from "../store/notification-types.ts";
import type { Mailbox } from "../store/types.ts";
import { authenticateCaller, extensionError, resolveMailbox } from "./caller.ts";
import { checkCreateRequest, type Failure } from "./create-request.ts";
import { checkExpiration } from "./expiration.ts";
import { type NotificationRuntime, notificationRuntime } from "./runtime.ts";
import { toGraphSubscription } from "./subscription-view.ts";
import {
  newValidationToken,
  VALIDATION_ERRORS,
  type ValidationFailure,
  validateEndpoint,
} from "./validate-endpoint.ts";

export async function createSubscription(request: FastifyRequest, reply: FastifyReply) {
  const caller = authenticateCaller(request, reply);
  if (!caller) return reply;
  const ctx = request.server.emulator;
  const runtime = notificationRuntime(ctx);
  const { settings } = runtime;
  const fail = (failure: Omit<Failure, "ok">) =>
    graphError(reply, failure.status, failure.code, failure.message);

  const checked = checkCreateRequest(request.body, settings.allowHttpNotificationUrl);
  if (!checked.ok) return fail(checked);
  const body = checked.request;
  const resolved = resolveMailbox(request, caller, body.mailResource);
  if (!resolved.ok) return fail(resolved);
  const { mailbox } = resolved;
  const folder = body.mailResource.folder === null ? null : findFolder(mailbox, body.mailResource.folder);
  if (folder === undefined)
    return fail({
      status: 404,
      code: "ExtensionError",
      message: extensionError("Create", "NotFound", "The specified object was not found in the store."),
    });
  const now = ctx.clock.now();
  const expiration = checkExpiration(body.expirationDateTime, now, settings.maxExpirationMinutes);
  if (!expiration.ok) return fail(expiration);
  const full = mailboxFull(runtime, mailbox);
  if (full) return fail(full);
  const validation = await validateReceivers(request, runtime, mailbox.id, [
    body.notificationUrl,
    body.lifecycleNotificationUrl,
  ]);
  if (validation) return fail({ status: 400, ...validation });

  const subscription: Subscription = {
    id: randomUUID(),
    mailboxId: mailbox.id,
    tenantId: mailbox.tenantId,
    clientId: caller.clientId,
    creatorId: caller.principalId,
    resource: body.resource,
    folderId: folder?.id ?? null,
    changeTypes: body.changeTypes,
    notificationUrl: body.notificationUrl,
    lifecycleNotificationUrl: body.lifecycleNotificationUrl,
    clientState: body.clientState,
    latestSupportedTlsVersion: body.latestSupportedTlsVersion,
    expiresAt: expiration.expiresAt,
    createdAt: now,
    authorizedUntil: caller.tokenExpiresAt,
    paused: false,
  };
  ctx.store.state.subscriptions.set(subscription.id, subscription);
  runtime.lifecycle.track(subscription);
  return reply.code(201).send({
    "@odata.context": `${ctx.baseUrl}/v1.0/$metadata#subscriptions/$entity`,
    ...toGraphSubscription(subscription),
  });
}

/** At most 1,000 active subscriptions per mailbox, all apps together (403 beyond).
 * https://learn.microsoft.com/graph/outlook-change-notifications-overview */
function mailboxFull(runtime: NotificationRuntime, mailbox: Mailbox): Omit<Failure, "ok"> | null {
  const limit = runtime.settings.maxSubscriptionsPerMailbox;
  let active = 0;
  for (const id of runtime.subscriptionsOf(mailbox.id)) if (runtime.isActive(id)) active++;
  if (active < limit) return null;
  return {
    status: 403,
    code: "ExtensionError",
    message: extensionError(
      "Create",
      "Forbidden",
      `The mailbox has reached the maximum of ${limit} active subscriptions.`,
    ),
  };
}

/** Every given URL must pass the handshake (https://learn.microsoft.com/graph/change-notifications-lifecycle-events). */
async function validateReceivers(
  request: FastifyRequest,
  runtime: NotificationRuntime,
  mailboxId: string,
  urls: (string | null)[],
): Promise<ValidationFailure | null> {
  const timeoutMs = runtime.settings.validationTimeoutMs;
  const fault = runtime.faults.take("validation", { mailboxId });
  if (fault?.outcome === "slow") await realDelay(fault.delayMs ?? timeoutMs);
  if (fault?.outcome === "timeout") {
    await realDelay(timeoutMs);
    return VALIDATION_ERRORS.timeout;
  }
  if (fault?.outcome === "non200" || fault?.outcome === "wrongBody") return VALIDATION_ERRORS[fault.outcome];
  for (const url of urls) {
    if (!url) continue;
    const failure = await validateEndpoint(runtime.agent, url, newValidationToken(request.id), timeoutMs);
    if (failure) return failure;
  }
  return null;
}

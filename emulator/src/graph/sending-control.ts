/**
 * Control API for sending (under `/_emulator`): tenant settings (SendFromAliasEnabled, the maximum
 * message size), Send As / Send on Behalf grants per mailbox, and Exchange's sending limits with
 * each mailbox's usage. Documented in emulator/README.md (control API table).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { graphDateTime } from "../clock.ts";
import type { Mailbox, Tenant } from "../store/types.ts";
import { invalid, mailboxOr404 } from "./control-reply.ts";
import { graphRuntime } from "./runtime.ts";
import { DAY_MS, EXCHANGE_ONLINE_SENDING_LIMITS, SendingLimitsPatch } from "./send-limits.ts";

const Toggle = z.object({ enabled: z.boolean() });
const TenantPatch = z
  .object({ sendFromAliasEnabled: z.boolean(), maxMessageSizeMB: z.number().min(1).max(150) })
  .partial()
  .strict();
const SendAsChange = z.object({
  address: z.email(),
  allowed: z.boolean(),
  onBehalf: z.boolean().default(false),
});

const tenantSettings = (tenant: Tenant) => ({
  id: tenant.id,
  domain: tenant.domain,
  sendFromAliasEnabled: tenant.sendFromAliasEnabled,
  maxMessageSizeMB: tenant.maxMessageSizeMB,
});

const sendAsList = (mailbox: Mailbox) => ({ mailbox: mailbox.userPrincipalName, value: mailbox.sendAs });

export function registerSendingControl(app: FastifyInstance): void {
  registerTenantSettings(app);
  registerSendAsGrants(app);
  registerSendingLimits(app);
}

/** A tenant's SendFromAliasEnabled and maximum message size. */
function registerTenantSettings(app: FastifyInstance): void {
  const { store } = app.emulator;
  const tenantOr404 = (reply: FastifyReply, ref: string) => {
    const tenant = store.tenant(ref);
    if (!tenant) reply.code(404).send({ error: "not_found", message: `no tenant ${ref}` });
    return tenant;
  };

  app.get("/tenants/:ref", async (request, reply) => {
    const tenant = tenantOr404(reply, (request.params as { ref: string }).ref);
    return tenant ? tenantSettings(tenant) : reply;
  });

  app.patch("/tenants/:ref", async (request, reply) => {
    const tenant = tenantOr404(reply, (request.params as { ref: string }).ref);
    if (!tenant) return reply;
    const parsed = TenantPatch.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error);
    Object.assign(tenant, parsed.data);
    return tenantSettings(tenant);
  });

  app.post("/tenants/:ref/send-from-alias", async (request, reply) => {
    const tenant = tenantOr404(reply, (request.params as { ref: string }).ref);
    if (!tenant) return reply;
    const parsed = Toggle.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    tenant.sendFromAliasEnabled = parsed.data.enabled;
    return tenantSettings(tenant);
  });
}

/** Send As / Send on Behalf grants of a mailbox. */
function registerSendAsGrants(app: FastifyInstance): void {
  const { store } = app.emulator;

  app.get("/mailboxes/:ref/send-as", async (request, reply) => {
    const mailbox = mailboxOr404(store, (request.params as { ref: string }).ref, reply);
    return mailbox ? sendAsList(mailbox) : reply;
  });

  app.post("/mailboxes/:ref/send-as", async (request, reply) => {
    const mailbox = mailboxOr404(store, (request.params as { ref: string }).ref, reply);
    if (!mailbox) return reply;
    const parsed = SendAsChange.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    const address = parsed.data.address.toLowerCase();
    mailbox.sendAs = mailbox.sendAs.filter((grant) => grant.address !== address);
    if (parsed.data.allowed) mailbox.sendAs.push({ address, onBehalf: parsed.data.onBehalf });
    return sendAsList(mailbox);
  });
}

/** Exchange's sending limits, each mailbox's usage of them, and the messages they hold back. */
function registerSendingLimits(app: FastifyInstance): void {
  const { store, clock } = app.emulator;

  app.get("/sending", async () => {
    const sending = graphRuntime(store).sending;
    const now = clock.now();
    const usage = [...sending.submissions.entries()].map(([mailboxId, log]) => {
      const day = log.filter((entry) => entry.at > now - DAY_MS);
      return {
        mailboxId,
        messagesLastMinute: day.filter((entry) => entry.at > now - 60_000 && entry.at <= now).length,
        recipientsLast24Hours: day.reduce((sum, entry) => sum + entry.recipients, 0),
        deferred: [...sending.deferred.values()]
          .filter((held) => held.mailboxId === mailboxId)
          .map((held) => ({ messageId: held.messageId, leavesAt: graphDateTime(held.at) })),
      };
    });
    return { limits: sending.limits, usage };
  });

  app.patch("/sending", async (request, reply) => {
    const parsed = SendingLimitsPatch.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error);
    const sending = graphRuntime(store).sending;
    sending.limits = { ...sending.limits, ...parsed.data };
    return { limits: sending.limits };
  });

  app.post("/sending/reset", async (_request, reply) => {
    const sending = graphRuntime(store).sending;
    sending.limits = EXCHANGE_ONLINE_SENDING_LIMITS;
    sending.submissions.clear();
    return reply.code(204).send();
  });
}

/**
 * Graph's part of the control API (registered under `/_emulator`): mailboxes, inbound mail from
 * outside senders, delta eviction, the external outbound sink, the demo page; tenant settings,
 * Send As grants and sending limits are in sending-control.ts.
 * Documented in emulator/README.md (control API table).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { folderCounts } from "../store/folders.ts";
import { createMailbox } from "../store/mailboxes.ts";
import type { Mailbox } from "../store/types.ts";
import { invalid, mailboxOr404 } from "./control-reply.ts";
import { evictDeltaTokens } from "./delta.ts";
import { registerDemoPage } from "./demo-page.ts";
import { deliverInbound, InboundMail } from "./inbound.ts";
import { graphRuntime } from "./runtime.ts";
import { registerSendingControl } from "./sending-control.ts";

const NewMailbox = z.object({
  tenant: z.string().min(1),
  userPrincipalName: z.email(),
  displayName: z.string().min(1),
  password: z.string().min(1).default("Passw0rd!"),
  mail: z.email().optional(),
  aliases: z.array(z.email()).default([]),
  givenName: z.string().optional(),
  surname: z.string().optional(),
  preferredLanguage: z.string().optional(),
  otherMails: z.array(z.email()).optional(),
});
const Evict = z.object({ mailbox: z.string().optional() }).default({});

export function mailboxSummary(mailbox: Mailbox) {
  const folders = [...mailbox.folders.values()].map((folder) => ({
    id: folder.id,
    wellKnownName: folder.wellKnownName,
    displayName: folder.displayName,
    ...folderCounts(folder, mailbox),
  }));
  return {
    id: mailbox.id,
    tenantId: mailbox.tenantId,
    userPrincipalName: mailbox.userPrincipalName,
    mail: mailbox.mail,
    displayName: mailbox.displayName,
    proxyAddresses: mailbox.proxyAddresses,
    totalItemCount: folders.reduce((sum, folder) => sum + folder.totalItemCount, 0),
    folders,
  };
}

export async function graphControl(app: FastifyInstance): Promise<void> {
  registerMailboxControl(app);
  registerMailFlowControl(app);
  registerSendingControl(app);
  registerDemoPage(app);
}

/** Mailboxes: list and create them, read what they hold, and deliver mail from outside senders. */
function registerMailboxControl(app: FastifyInstance): void {
  const { store } = app.emulator;

  app.get("/mailboxes", async () => ({ value: [...store.state.mailboxes.values()].map(mailboxSummary) }));

  app.post("/mailboxes", async (request, reply) => {
    const parsed = NewMailbox.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    const { tenant: tenantRef, aliases, mail, ...input } = parsed.data;
    const tenant = store.tenant(tenantRef);
    if (!tenant) return invalid(reply, `unknown tenant ${tenantRef}`);
    if (store.mailbox(input.userPrincipalName))
      return reply.code(409).send({ error: "conflict", message: "exists" });
    const primary = mail ?? input.userPrincipalName;
    const mailbox = createMailbox(store, {
      ...input,
      tenantId: tenant.id,
      mail: primary,
      proxyAddresses: [`SMTP:${primary}`, ...aliases.map((alias) => `smtp:${alias}`)],
    });
    return reply.code(201).send(mailboxSummary(mailbox));
  });

  app.get("/mailboxes/:ref/messages", async (request, reply) => {
    const mailbox = mailboxOr404(store, (request.params as { ref: string }).ref, reply);
    if (!mailbox) return reply;
    const folderRef = (request.query as { folder?: string }).folder;
    const value = [...mailbox.folders.values()]
      .filter((f) => !folderRef || f.id === folderRef || f.wellKnownName === folderRef.toLowerCase())
      .flatMap((folder) =>
        [...folder.messages.values()].map((m) => ({ ...m, folder: folder.wellKnownName ?? folder.id })),
      );
    return { value };
  });

  app.post("/mailboxes/:ref/inbound", async (request, reply) => {
    const mailbox = mailboxOr404(store, (request.params as { ref: string }).ref, reply);
    if (!mailbox) return reply;
    const parsed = InboundMail.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    try {
      const message = deliverInbound(store, mailbox, parsed.data);
      return reply.code(201).send({
        id: message.id,
        internetMessageId: message.internetMessageId,
        conversationId: message.conversationId,
        parentFolderId: message.parentFolderId,
      });
    } catch (error) {
      return invalid(reply, error instanceof Error ? error.message : String(error));
    }
  });
}

/** Delta-token eviction (a client must resync) and the sink of mail sent outside the tenants. */
function registerMailFlowControl(app: FastifyInstance): void {
  const { store } = app.emulator;

  app.post("/delta/evict", async (request, reply) => {
    const parsed = Evict.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(reply, parsed.error);
    let mailboxId: string | undefined;
    if (parsed.data.mailbox !== undefined) {
      const mailbox = mailboxOr404(store, parsed.data.mailbox, reply);
      if (!mailbox) return reply;
      mailboxId = mailbox.id;
    }
    return { evicted: evictDeltaTokens(store, mailboxId) };
  });

  app.get("/outbound", async (request) => {
    const to = (request.query as { to?: string }).to?.toLowerCase();
    const all = graphRuntime(store).outbound;
    return { value: to ? all.filter((m) => m.recipients.includes(to)) : all };
  });

  app.post("/outbound/clear", async (_request, reply) => {
    graphRuntime(store).outbound.length = 0;
    return reply.code(204).send();
  });
}

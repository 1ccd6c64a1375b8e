import { type CreateOutboxBody, routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { Auth } from "../accounts/auth.ts";
import { type OrgMember, requireMember } from "../accounts/session.ts";
import { findChannel } from "../channels/channel-store.ts";
import { contractRoute } from "../contract-route.ts";
import type { Database } from "../db/client.ts";
import { AppError, badRequest, conflict, notFound } from "../errors.ts";
import { findVisibleMessage } from "../inbox/conversation-store.ts";
import { isUuid, visibleChannelIds } from "../inbox/visibility.ts";
import type { JobQueue } from "../jobs/queue.ts";
import { messagesByGraphIds } from "../mail/find-by-graph-id.ts";
import { attachmentsOf } from "./attach-uploads.ts";
import { assertNothingNewer } from "./collision.ts";
import { composeRoutes } from "./compose-routes.ts";
import type { OutboxDeps } from "./outbox-deps.ts";
import { sendOutboxJob } from "./outbox-jobs.ts";
import {
  advance,
  conversationOutbox,
  findOutbox,
  insertOutbox,
  type OutboxRow,
  outboxView,
  publishOutboxChanged,
} from "./outbox-store.ts";
import { findVisibleConversation, presenceRoute } from "./presence.ts";
import { resumeState } from "./resume-after-reconnect.ts";
import { matchChoice, sendFromChoices } from "./send-from.ts";
import { plannedSendTime } from "./send-limits.ts";
import { uploadRoutes } from "./upload-routes.ts";

export interface OutboxRoutesOptions extends Omit<OutboxDeps, "queue"> {
  auth: Auth;
  database: Database;
  queue: JobQueue;
}

type CreateBody = z.output<typeof routes.createOutbox.body>;

/** Sending from Mailroom: queue (with undo), undo, retry, a conversation's outbox, presence. */
export const outboxRoutes: FastifyPluginAsyncZod<OutboxRoutesOptions> = async (app, options) => {
  const { auth, database, events, queue } = options;
  const db = database.db;
  await app.register(composeRoutes, options);
  await app.register(presenceRoute, options);
  await app.register(uploadRoutes, options);

  app.route({
    ...contractRoute(routes.createOutbox, { validationTitle: "The message can't be sent as it is" }),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database);
      const row = await queueMessage(m, request.body);
      await sendOutboxJob(queue, row.id, row.willGoAt ?? row.sendAt);
      await publishOutboxChanged(events, row);
      return reply.status(201).send({ outbox: outboxView(row) });
    },
  });

  /** Checks what Microsoft would refuse, then stores the message until its undo window ends. */
  async function queueMessage(m: OrgMember, body: CreateBody): Promise<OutboxRow> {
    const parent = body.kind === "new" ? undefined : await findVisibleMessage(db, m, body.messageId!);
    const channelId = parent?.channelId ?? body.channelId!;
    if (!parent && (!isUuid(channelId) || !(await visibleChannelIds(db, m)).includes(channelId)))
      throw notFound("Mailbox");
    const channel = await findChannel(db, m.orgId, channelId);
    if (channel.status !== "connected")
      throw conflict("This mailbox must be reconnected to Microsoft before it can send");
    const from = matchChoice(await sendFromChoices(db, channel), body.from);
    if (!from)
      throw badRequest("This mailbox can't send from that address", [
        { field: "from", message: "Choose one of the mailbox's addresses" },
      ]);
    if (parent && !body.sendAnyway)
      await assertNothingNewer(
        db,
        { orgId: m.orgId, userId: m.userId, conversationId: parent.conversationId },
        body.lastSeenMessageId,
      );
    const bcc = withAutoBcc(body.bcc, channel.autoBcc);
    const recipients = body.to.length + body.cc.length + bcc.length;
    if (recipients > 500)
      throw badRequest("Microsoft accepts at most 500 recipients per message", [
        { field: "to", message: "At most 500 recipients (To, Cc and Bcc together)" },
      ]);
    const attachments = await attachmentsOf(db, m, channel.id, body.attachments, body.html.length);
    const sendAt = new Date(Date.now() + channel.undoSendSeconds * 1000);
    const planned = await plannedSendTime(db, channel.id, sendAt, recipients);
    return insertOutbox(db, {
      orgId: m.orgId,
      channelId: channel.id,
      conversationId: parent?.conversationId ?? null,
      parentMessageId: parent?.id ?? null,
      parentGraphId: parent?.graphId ?? null,
      kind: body.kind,
      createdBy: m.userId,
      createdByName: m.name,
      fromAddress: from,
      toRecipients: body.to.map(address),
      ccRecipients: body.cc.map(address),
      bccRecipients: bcc.map(address),
      subject: body.subject ?? defaultSubject(body.kind, parent?.subject ?? ""),
      bodyHtml: body.html,
      attachments,
      sendAt,
      willGoAt: planned > sendAt ? planned : null,
    });
  }

  /** The member's own message, still within its undo window: cancelled, its content returned. */
  app.route({
    ...contractRoute(routes.undoOutbox),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const row = await ownRow(m, request.params.id);
      const cancelled =
        row.state === "queued" && (row.willGoAt ?? row.sendAt) > new Date()
          ? await advance(db, row, ["queued"], "cancelled", {}, { detail: "undone" })
          : undefined;
      if (!cancelled) throw conflict("Too late to undo: the message is already on its way");
      await publishOutboxChanged(events, cancelled);
      return { outbox: outboxView(cancelled) };
    },
  });

  /** A failed message goes again from the step it failed at, on the same draft. */
  app.route({
    ...contractRoute(routes.retryOutbox),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const row = await visibleRow(m, request.params.id);
      if (row.state !== "failed") throw conflict("Only a message that failed can be sent again");
      const resume = resumeState(row);
      const retried = await advance(
        db,
        row,
        ["failed"],
        resume,
        { failureCode: null, failureMessage: null, attempts: 0, sendAt: new Date(), willGoAt: null },
        { detail: `retry by ${m.name}` },
      );
      if (!retried) throw conflict("The message changed meanwhile: reload and try again");
      await sendOutboxJob(queue, retried.id, new Date());
      await publishOutboxChanged(events, retried);
      return { outbox: outboxView(retried) };
    },
  });

  app.route({
    ...contractRoute(routes.listConversationOutbox),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const conversation = await findVisibleConversation(db, m, request.params.id);
      const rows = await conversationOutbox(db, m.orgId, conversation.id);
      // A sent message whose Sent Items copy the sync already stored shows in the thread instead.
      const sentIds = rows.flatMap((r) => (r.state === "sent" && r.graphDraftId ? [r.graphDraftId] : []));
      const stored = new Set(
        (await messagesByGraphIds(db, conversation.channelId, sentIds)).map((s) => s.graphId),
      );
      return {
        outbox: rows.filter((r) => !(r.graphDraftId && stored.has(r.graphDraftId))).map(outboxView),
      };
    },
  });

  async function visibleRow(m: OrgMember, id: string): Promise<OutboxRow> {
    const row = isUuid(id) ? await findOutbox(db, id, m.orgId) : undefined;
    if (!row || !(await visibleChannelIds(db, m)).includes(row.channelId)) throw notFound("Message");
    return row;
  }

  async function ownRow(m: OrgMember, id: string): Promise<OutboxRow> {
    const row = await visibleRow(m, id);
    if (row.createdBy !== m.userId) throw new AppError("forbidden", "Only the sender can undo a message");
    return row;
  }
};

function withAutoBcc(bcc: CreateBody["bcc"], autoBcc: string | null) {
  if (!autoBcc || bcc.some((r) => r.address.toLowerCase() === autoBcc.toLowerCase())) return bcc;
  return [...bcc, { address: autoBcc, name: null }];
}

function address(r: { name?: string | null | undefined; address: string }) {
  return { name: r.name ?? null, address: r.address };
}

/** "RE: " / "FW: " as Exchange writes them, unless the subject has the prefix already. */
function defaultSubject(kind: CreateOutboxBody["kind"], subject: string): string {
  if (kind === "new") return subject;
  const prefix = kind === "forward" ? "FW: " : "RE: ";
  return subject.toUpperCase().startsWith(prefix.trim()) ? subject : `${prefix}${subject}`;
}

import { routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { requireMember } from "../accounts/session.ts";
import { contractRoute } from "../contract-route.ts";
import { conflict } from "../errors.ts";
import type { OutboxRoutesOptions } from "./outbox-deps.ts";
import { sendOutboxJob } from "./outbox-jobs.ts";
import { ownRow, visibleRow } from "./outbox-rows.ts";
import { advance, outboxView, publishOutboxChanged } from "./outbox-store.ts";
import { queueMessage } from "./queue-message.ts";
import { resumeState } from "./resume-after-reconnect.ts";

/** A message's way out: queued (with its undo window), undone within it, retried after a failure. */
export const sendRoutes: FastifyPluginAsyncZod<OutboxRoutesOptions> = async (app, options) => {
  const { auth, database, events, queue } = options;
  const db = database.db;

  app.route({
    ...contractRoute(routes.createOutbox, { validationTitle: "The message can't be sent as it is" }),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database);
      const { row, repeated } = await queueMessage(db, m, request.body);
      // Queued again on a repeat too (one waiting job per message, so no double): a process that
      // died between storing the row and queueing its job left it without one.
      if (row.state === "queued") await sendOutboxJob(queue, row.id, row.willGoAt ?? row.sendAt);
      if (!repeated) await publishOutboxChanged(events, row);
      // A repeated Send gets the first one's answer (its message, as it stands now).
      return reply.status(201).send({ outbox: outboxView(row) });
    },
  });

  /** The member's own message, still within its undo window: cancelled, its content returned. */
  app.route({
    ...contractRoute(routes.undoOutbox),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const row = await ownRow(db, m, request.params.id);
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
      const row = await visibleRow(db, m, request.params.id);
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
};

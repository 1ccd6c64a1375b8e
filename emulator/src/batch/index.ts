/**
 * `POST /v1.0/$batch`: JSON batching. Checks the envelope (≤ 20 requests, unique ids, known
 * dependsOn), then runs the items through the real routes in dependency order, at most four at
 * a time, and answers 200 with every item's status, headers and body.
 * https://learn.microsoft.com/graph/json-batching
 */
import type { FastifyPluginAsync } from "fastify";
import type { EmulatorModule } from "../context.ts";
import { graphError, graphErrorBody } from "../errors/graph-error.ts";
import { authenticate } from "../graph/auth.ts";
import { parseBatch } from "./batch-request.ts";
import { runInDependencyOrder } from "./run-in-order.ts";
import { runBatchItem } from "./run-item.ts";

/** How many items of one batch run at once (Outlook serves four per app and mailbox). */
export const BATCH_PARALLELISM = 4;

const batchRoutes: FastifyPluginAsync = async (app) => {
  // The envelope needs a valid token like any Graph call (401 otherwise); items are checked again.
  app.post("/$batch", { onRequest: authenticate }, async (request, reply) => {
    const batch = parseBatch(request.body);
    if (!batch.ok) return graphError(reply, 400, "BadRequest", batch.message);
    const responses = await runInDependencyOrder(batch.requests, {
      parallelism: BATCH_PARALLELISM,
      execute: (item) => runBatchItem(app, request, item),
      failedDependency: (item) => ({
        id: item.id,
        status: 424,
        headers: { "Content-Type": "application/json" },
        body: graphErrorBody(request, "FailedDependency", "A request this request depends on failed."),
      }),
    });
    return reply.code(200).type("application/json").send({ responses });
  });
};

export const batchModule: EmulatorModule = { name: "batch", prefix: "/v1.0", plugin: batchRoutes };

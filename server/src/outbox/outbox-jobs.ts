import { z } from "zod";
import { connectedChannelGraph } from "../channels/channel-graph.ts";
import type { JobDefinition, JobQueue } from "../jobs/queue.ts";
import { messagesByGraphIds } from "../mail/find-by-graph-id.ts";
import { deleteDraft, findByOutboxHeader } from "../microsoft/drafts.ts";
import { sendSyncChannel } from "../sync/job-messages.ts";
import type { OutboxDeps } from "./outbox-deps.ts";
import { advance, findOutbox, type OutboxRow, publishOutboxChanged, updateOutbox } from "./outbox-store.ts";
import { runSend, type SendHooks } from "./run-send.ts";
import { classifySendError } from "./send-failure.ts";
import { deleteUploads } from "./upload-store.ts";
import { sweepUploads } from "./upload-sweep.ts";

const outboxJob = z.object({ outboxId: z.uuid(), attempt: z.number().int().min(0).max(100).optional() });
type OutboxJob = z.infer<typeof outboxJob>;

/** Transient failures (throttling, Microsoft unavailable) are retried this many times, then shown. */
export const MAX_SEND_ATTEMPTS = 6;
/** The Sent Items copy is looked for this many times (the sync stores it within seconds). */
const MAX_MATCH_ATTEMPTS = 12;

/** Queues the send of an outbox row at `at` (its undo window's end, or when the limits allow). */
export function sendOutboxJob(queue: Pick<JobQueue, "send">, outboxId: string, at: Date, attempt = 0) {
  const seconds = Math.max(0, Math.ceil((at.getTime() - Date.now()) / 1000));
  const job: OutboxJob = { outboxId, attempt };
  return queue.send("outbox-send", job, {
    singletonKey: `send:${outboxId}`,
    ...(seconds > 0 ? { startAfterSeconds: seconds } : {}),
  });
}

function sendMatchJob(queue: Pick<JobQueue, "send">, outboxId: string, attempt: number) {
  const job: OutboxJob = { outboxId, attempt };
  return queue.send("outbox-match", job, {
    singletonKey: `match:${outboxId}`,
    // The Sent Items notification's sync usually stores the copy within a few seconds.
    startAfterSeconds: Math.min(30, 3 + attempt * 3),
  });
}

export function outboxJobs(deps: OutboxDeps, hooks: SendHooks = {}): JobDefinition[] {
  return [
    {
      name: "outbox-send",
      concurrency: 4,
      // One waiting and one running job per message: a re-queue never runs next to its own run.
      policy: "stately",
      // A worker killed mid-send stops its heartbeats: the job is retried within seconds, resuming.
      heartbeatSeconds: 10,
      retryLimit: 10,
      handler: async (data) => {
        await runSendJob(deps, outboxJob.parse(data), hooks);
      },
    },
    {
      name: "outbox-match",
      concurrency: 2,
      policy: "stately",
      retryLimit: 3,
      keepDoneSeconds: 3600,
      handler: async (data) => {
        await runMatchJob(deps, outboxJob.parse(data));
      },
    },
    {
      // Hourly: uploads no message will send (upload-sweep.ts).
      name: "outbox-uploads-sweep",
      schedule: "41 * * * *",
      handler: async () => {
        const swept = await sweepUploads(deps.db, deps.config.dataDir);
        if (swept.rows || swept.files) deps.logger?.info(swept, "unsent uploads removed");
      },
    },
  ];
}

async function runSendJob(deps: OutboxDeps, job: OutboxJob, hooks: SendHooks) {
  const attempt = job.attempt ?? 0;
  try {
    const outcome = await runSend(deps, job.outboxId, hooks);
    if (outcome.next === "wait") await sendOutboxJob(deps.queue(), job.outboxId, outcome.at, attempt);
    if (outcome.next === "match") await sendMatchJob(deps.queue(), job.outboxId, 0);
  } catch (error) {
    const row = await findOutbox(deps.db, job.outboxId);
    if (!row) return;
    const failure = classifySendError(error, { from: row.fromAddress });
    deps.logger?.warn({ outboxId: row.id, code: failure.code, state: row.state }, "outbox send step failed");
    if (failure.kind === "transient" && attempt + 1 < MAX_SEND_ATTEMPTS) {
      const seconds = failure.retryAfterSeconds ?? Math.min(120, 5 * 2 ** attempt);
      await updateOutbox(deps.db, row.id, { attempts: attempt + 1 });
      await sendOutboxJob(deps.queue(), row.id, new Date(Date.now() + seconds * 1000), attempt + 1);
      return;
    }
    const message =
      failure.kind === "final"
        ? failure.message
        : "Microsoft did not accept the message after several tries: Retry in a moment.";
    const dropped = await dropDraftOfFailedUpload(deps, row);
    const failed = await advance(
      deps.db,
      row,
      [row.state],
      "failed",
      { failureCode: failure.code, failureMessage: message, ...dropped },
      { detail: `failed at ${row.state}: ${failure.code}` },
    );
    if (failed) await publishOutboxChanged(deps.events, failed);
  }
}

/**
 * A send that failed while its files were going onto the draft leaves no half-built draft in the
 * mailbox: it is deleted, and Retry starts over with a new one.
 */
async function dropDraftOfFailedUpload(deps: OutboxDeps, row: OutboxRow) {
  if (row.state !== "patched" || !row.graphDraftId || row.attachments.length === 0) return {};
  const connected = await connectedChannelGraph(deps, row.channelId).catch(() => undefined);
  if (!connected) return {};
  const deleted = await deleteDraft(connected.graph, row.graphDraftId).then(
    () => true,
    () => false,
  );
  if (!deleted) return {};
  return {
    graphDraftId: null,
    draftEtag: null,
    attachments: row.attachments.map(({ graphAttachmentId: _a, uploadUrl: _u, ...a }) => a),
  };
}

/**
 * sent → matched: the Sent Items copy found by the outbox header, and stored by the sync in the
 * conversation (under the draft's immutable id, so it shows once). Until it is stored, a sync of
 * the channel is asked for and the check comes back.
 */
async function runMatchJob(deps: OutboxDeps, job: OutboxJob) {
  const row = await findOutbox(deps.db, job.outboxId);
  if (row?.state !== "sent" || !row.graphDraftId) return;
  // The draft's immutable id is its Sent Items copy's: stored under it, it is matched. Only when it
  // isn't after a while (an id that changed, a copy moved) is the copy looked up by its header.
  let graphId = row.graphDraftId;
  let [stored] = await messagesByGraphIds(deps.db, row.channelId, [graphId]);
  const attempt = job.attempt ?? 0;
  const connected = stored || attempt < 2 ? undefined : await connectedChannelGraph(deps, row.channelId);
  if (connected) {
    const copy = await findByOutboxHeader(connected.graph, "sentitems", row.id).catch(() => undefined);
    if (copy && copy.id !== graphId) {
      graphId = copy.id;
      [stored] = await messagesByGraphIds(deps.db, row.channelId, [graphId]);
    }
  }
  if (stored) {
    const matched = await advance(
      deps.db,
      row,
      ["sent"],
      "matched",
      { matchedAt: new Date(), conversationId: stored.conversationId },
      { graphId, detail: "Sent Items copy stored" },
    );
    if (matched) await publishOutboxChanged(deps.events, matched);
    // In the mailbox now, with its files: our copies of them can go.
    await deleteUploads(
      deps.db,
      deps.config.dataDir,
      row.attachments.map((a) => a.uploadId),
    );
    return;
  }
  if (attempt >= MAX_MATCH_ATTEMPTS) return;
  // The Sent Items notification brings a sync anyway; ask for one only when it is late.
  if (attempt >= 2)
    await sendSyncChannel(
      deps.queue(),
      { channelId: row.channelId, reason: "manual" },
      { singletonKey: row.channelId },
    );
  await sendMatchJob(deps.queue(), row.id, attempt + 1);
}

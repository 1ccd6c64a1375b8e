import { ChannelNeedsReauth } from "../channels/access-token.ts";
import { type ChannelGraph, connectedChannelGraph } from "../channels/channel-graph.ts";
import { type ChannelRow, findChannelById } from "../channels/channel-store.ts";
import {
  createDraft,
  deleteDraft,
  findByOutboxHeader,
  type GraphRecipient,
  getMessageState,
  patchDraft,
  sendDraft,
} from "../microsoft/drafts.ts";
import { GraphError } from "../microsoft/graph-client.ts";
import { composeBody, quotedPart } from "./compose-body.ts";
import type { OutboxDeps } from "./outbox-deps.ts";
import { advance, findOutbox, type OutboxRow, publishOutboxChanged, updateOutbox } from "./outbox-store.ts";
import type { OutboxAddress, OutboxState } from "./schema.ts";
import { uploadAttachments } from "./upload-attachments.ts";

/**
 * One send, step by step: draft created → patched → attachments uploaded → sent. Each step is
 * recorded (with the Graph id and etag it produced) before the next begins, so a run that dies
 * resumes where it stopped, on the same draft: before creating a draft it looks for one carrying
 * the outbox header, and before sending it checks whether the draft already went.
 */

/** What the job does next: nothing, wait until `at`, or check the Sent Items copy. */
export type SendOutcome = { next: "done" } | { next: "wait"; at: Date } | { next: "match" };

/** Hooks between steps, for the crash test (a worker killed between each step). */
export interface SendHooks {
  /** Graph has done the step's work for `row`; it is not recorded yet. */
  beforeRecord?(state: OutboxState, row: OutboxRow): Promise<void> | void;
  /**
   * `row.state` is recorded and the next step has not begun: just after the step, or as a run
   * resumes from it (a run that died between recording and this hook is at the same point).
   */
  afterStep?(row: OutboxRow): Promise<void> | void;
}

export async function runSend(
  deps: OutboxDeps,
  outboxId: string,
  hooks: SendHooks = {},
): Promise<SendOutcome> {
  let row = await findOutbox(deps.db, outboxId);
  if (!row || ["matched", "failed", "cancelled"].includes(row.state)) return { next: "done" };
  if (row.state !== "queued") await hooks.afterStep?.(row);
  if (row.state === "sent") return { next: "match" };
  const due = row.willGoAt && row.willGoAt > row.sendAt ? row.willGoAt : row.sendAt;
  if (row.state === "queued" && due.getTime() > Date.now()) return { next: "wait", at: due };
  const connected = await connectedChannelGraph(deps, row.channelId);
  if (!connected) {
    // A mailbox waiting to be reconnected: shown as that, and resumed by the reconnect itself.
    const channel = await findChannelById(deps.db, row.channelId);
    if (channel?.status === "needs_reauth") throw new ChannelNeedsReauth(channel.statusReason ?? "unknown");
    throw new GraphError(0, "ChannelNotConnected", "The mailbox is not connected");
  }
  const { graph, channel } = connected;

  const steps: Partial<Record<OutboxState, (r: OutboxRow) => Promise<OutboxRow | undefined>>> = {
    queued: (r) => stepCreateDraft(deps, graph, r, hooks),
    draft_created: (r) => stepPatch(deps, graph, channel, r, hooks),
    patched: (r) => stepAttachments(deps, graph, r),
    attachments_uploaded: (r) => stepSend(deps, graph, r, hooks),
  };
  for (let step = steps[row.state]; step; step = steps[row.state]) {
    const next = await step(row);
    if (!next) return { next: "done" }; // cancelled or moved on by another writer
    row = next;
    await publishOutboxChanged(deps.events, row);
    await hooks.afterStep?.(row);
  }
  return row.state === "sent" ? { next: "match" } : { next: "done" };
}

/** queued → draft_created: the draft Exchange builds (or the one a crashed run already made). */
async function stepCreateDraft(deps: OutboxDeps, graph: ChannelGraph, row: OutboxRow, hooks: SendHooks) {
  // An earlier run may have died after Graph made the draft: look for it first.
  const found = row.draftRequestedAt ? await findByOutboxHeader(graph, "drafts", row.id) : undefined;
  if (!found) await updateOutbox(deps.db, row.id, { draftRequestedAt: new Date() });
  const draft = found
    ? await getMessageState(graph, found.id)
    : await createDraft(graph, {
        kind: row.kind,
        parentId: row.parentGraphId,
        outboxId: row.id,
        subject: row.subject,
      });
  if (!draft) throw new GraphError(503, "DraftVanished", "The draft disappeared while it was read");
  await hooks.beforeRecord?.("draft_created", row);
  const moved = await advance(
    deps.db,
    row,
    ["queued"],
    "draft_created",
    {
      graphDraftId: draft.id,
      draftEtag: draft["@odata.etag"] ?? null,
      quotedHtml: row.kind === "new" ? "" : quotedPart(draft.body),
      graphConversationId: draft.conversationId ?? null,
      internetMessageId: draft.internetMessageId ?? null,
    },
    { graphId: draft.id, etag: draft["@odata.etag"] ?? null, detail: found ? "found by header" : "created" },
  );
  // Undone while the draft was being made: it must not stay behind in the mailbox.
  if (!moved) await deleteDraft(graph, draft.id);
  return moved;
}

/** draft_created → patched: our body above the quoted history, recipients, From. */
async function stepPatch(
  deps: OutboxDeps,
  graph: ChannelGraph,
  channel: ChannelRow,
  row: OutboxRow,
  hooks: SendHooks,
) {
  const patch = {
    ...(row.kind === "new" || row.subject ? { subject: row.subject } : {}),
    html: composeBody(row.bodyHtml, row.quotedHtml ?? ""),
    to: row.toRecipients.map(graphRecipient),
    cc: row.ccRecipients.map(graphRecipient),
    bcc: row.bccRecipients.map(graphRecipient),
    ...(row.fromAddress.toLowerCase() !== channel.email.toLowerCase()
      ? { from: graphRecipient({ name: null, address: row.fromAddress }) }
      : {}),
  };
  const draftId = row.graphDraftId!;
  let etag: string | null;
  try {
    etag = await patchDraft(graph, draftId, row.draftEtag, patch);
  } catch (error) {
    // The draft changed since its etag was recorded (a PATCH whose answer a crash lost): the
    // values are absolute, so PATCH again on the current version.
    if (!(error instanceof GraphError) || error.status !== 412) throw error;
    const current = await getMessageState(graph, draftId);
    etag = await patchDraft(graph, draftId, current?.["@odata.etag"] ?? null, patch);
  }
  await hooks.beforeRecord?.("patched", row);
  return advance(deps.db, row, ["draft_created"], "patched", { draftEtag: etag }, { graphId: draftId, etag });
}

/** patched → attachments_uploaded: the files onto the draft (upload-attachments.ts). */
async function stepAttachments(deps: OutboxDeps, graph: ChannelGraph, row: OutboxRow) {
  if (row.attachments.length > 0) await uploadAttachments(deps, graph, row);
  const count = row.attachments.length;
  return advance(
    deps.db,
    row,
    ["patched"],
    "attachments_uploaded",
    {},
    {
      graphId: row.graphDraftId!,
      detail: `${count} attachment${count === 1 ? "" : "s"}`,
    },
  );
}

/** attachments_uploaded → sent, unless the draft already went (a send whose answer was lost). */
async function stepSend(deps: OutboxDeps, graph: ChannelGraph, row: OutboxRow, hooks: SendHooks) {
  const draftId = row.graphDraftId!;
  // An earlier run may have died after Graph sent it: the draft then is no draft any more.
  const alreadySent = row.sendRequestedAt ? await wentAlready(graph, draftId, row.id) : false;
  if (!alreadySent) {
    await updateOutbox(deps.db, row.id, { sendRequestedAt: new Date() });
    await sendDraft(graph, draftId);
  }
  await hooks.beforeRecord?.("sent", row);
  return advance(
    deps.db,
    row,
    ["attachments_uploaded"],
    "sent",
    { sentAt: new Date() },
    { graphId: draftId, detail: alreadySent ? "found already sent" : "sent" },
  );
}

async function wentAlready(graph: ChannelGraph, draftId: string, outboxId: string): Promise<boolean> {
  const current = await getMessageState(graph, draftId);
  if (current) return current.isDraft === false;
  return (await findByOutboxHeader(graph, "sentitems", outboxId)) !== undefined;
}

function graphRecipient(a: OutboxAddress): GraphRecipient {
  return { emailAddress: { address: a.address, ...(a.name ? { name: a.name } : {}) } };
}

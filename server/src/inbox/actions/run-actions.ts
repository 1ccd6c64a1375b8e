import type { ActionOutcome, ConversationAction } from "@mailroom/contract";
import type { AccessTokenDeps } from "../../channels/access-token.ts";
import { connectedChannelGraph } from "../../channels/channel-graph.ts";
import type { Logger } from "../../log.ts";
import {
  type AcceptedChange,
  liveMessagesOf,
  recordAcceptedChanges,
  setConversationStatus,
} from "../../mail/change-conversations.ts";
import { publishConversationsChanged } from "../../mail/conversations-changed.ts";
import type { GraphError } from "../../microsoft/graph-client.ts";
import { type MessageChain, runMessageChains } from "../../microsoft/message-actions.ts";
import { type PlannedMessage, planMessage } from "./plan.ts";

/**
 * Carries out an action on conversations the caller has already checked the member may see: the
 * Outlook part through `$batch` per mailbox (microsoft/message-actions.ts, under the mailbox's
 * request slots), the store written only for what Graph accepted, in flushes a quarter of a second
 * apart (one transaction for all decided since the last); each outcome reported with its flush.
 */
export interface RunActionOptions {
  /** Called with each flush of decided conversations (progress). */
  onOutcomes?: (outcomes: ActionOutcome[]) => Promise<void>;
  signal?: AbortSignal;
  /** Where a live event that could not be published is told (it is skipped, not fatal). */
  logger?: Pick<Logger, "warn">;
}

/**
 * Time between two writes to the store (and two progress reports): often enough for a progress
 * bar, rarely enough that the writes cost little next to the Graph work; and at most this many
 * conversations per write.
 */
const FLUSH_EVERY_MS = 250;
const FLUSH_AT_MOST = 500;

export interface ActionTarget {
  id: string;
  channelId: string;
}

export async function runAction(
  deps: AccessTokenDeps,
  orgId: string,
  targets: ActionTarget[],
  action: ConversationAction,
  options: RunActionOptions = {},
): Promise<ActionOutcome[]> {
  if (action.type === "close" || action.type === "reopen") {
    const ids = targets.map((t) => t.id);
    const changed = await setConversationStatus(
      deps.db,
      orgId,
      ids,
      action.type === "close" ? "closed" : "open",
    );
    await publishByChannel(deps, orgId, changed, options.logger);
    const outcomes = ids.map((id) => ({ conversationId: id, ok: true, failedMessages: 0 }));
    await options.onOutcomes?.(outcomes);
    return outcomes;
  }
  const messages = await liveMessagesOf(
    deps.db,
    orgId,
    targets.map((t) => t.id),
  );
  const tracker = new OutcomeTracker(deps, orgId, targets, options);
  const plans = messages.flatMap((m) => planMessage(action, m) ?? []);
  for (const plan of plans) tracker.expect(plan);
  tracker.settleEmpty();
  const byChannel = groupBy(plans, (p) => p.message.channelId);
  await Promise.all(
    [...byChannel].map(async ([channelId, channelPlans]) => {
      const connected = await connectedChannelGraph(deps, channelId);
      if (!connected) {
        for (const plan of channelPlans)
          tracker.decide(plan, "The mailbox is not connected: reconnect it in Settings › Channels");
        return;
      }
      const chains: MessageChain[] = channelPlans.map((p) => ({
        key: p.message.id,
        graphMessageId: p.message.graphId,
        changes: p.changes,
      }));
      const byKey = new Map(channelPlans.map((p) => [p.message.id, p]));
      await runMessageChains(connected.graph, chains, {
        signal: options.signal,
        onOutcome: (o) => tracker.decide(byKey.get(o.key)!, o.ok ? undefined : inWords(o.error)),
      });
    }),
  );
  await tracker.flush();
  return tracker.outcomes;
}

/** Counts each conversation's messages down to decided, and flushes accepted changes in groups. */
class OutcomeTracker {
  readonly outcomes: ActionOutcome[] = [];
  private readonly remaining = new Map<string, { left: number; failed: number; error?: string }>();
  private accepted: AcceptedChange[] = [];
  private decided: ActionOutcome[] = [];
  /** Flushes run one after another, behind the Graph work: the next batch never waits for them. */
  private writing: Promise<void> = Promise.resolve();
  private lastFlush = Date.now();

  constructor(
    private readonly deps: AccessTokenDeps,
    private readonly orgId: string,
    private readonly targets: ActionTarget[],
    private readonly options: RunActionOptions,
  ) {
    for (const t of targets) this.remaining.set(t.id, { left: 0, failed: 0 });
  }

  expect(plan: PlannedMessage) {
    this.remaining.get(plan.message.conversationId)!.left++;
  }

  /** Conversations with nothing to ask Outlook are already as asked. */
  settleEmpty() {
    for (const [id, state] of this.remaining)
      if (state.left === 0) this.decided.push({ conversationId: id, ok: true, failedMessages: 0 });
    this.flushIfDue();
  }

  decide(plan: PlannedMessage, error: string | undefined) {
    const state = this.remaining.get(plan.message.conversationId)!;
    state.left--;
    if (error) {
      state.failed++;
      state.error ??= error;
    } else this.accepted.push(plan.accepted);
    if (state.left > 0) return;
    this.decided.push({
      conversationId: plan.message.conversationId,
      ok: state.failed === 0,
      failedMessages: state.failed,
      ...(state.error ? { error: state.error } : {}),
    });
    this.flushIfDue();
  }

  private flushIfDue() {
    if (this.decided.length >= FLUSH_AT_MOST) this.queueFlush();
    else if (this.decided.length > 0 && Date.now() - this.lastFlush >= FLUSH_EVERY_MS) this.queueFlush();
  }

  /**
   * Writes what is decided so far after the writes before it; a failed write fails `flush`. The
   * write waits for the event loop's next turn: it is decided while an answer is read, and the
   * next batch should be on its way to Outlook first (an embedded database writes on this thread
   * and would hold the batch back until the write is done).
   */
  private queueFlush() {
    const [accepted, decided] = [this.accepted, this.decided];
    this.accepted = [];
    this.decided = [];
    this.lastFlush = Date.now();
    this.writing = this.writing.then(nextTurn).then(() => this.write(accepted, decided));
    // Handled here so a failed write waits for `flush` to report it, not crash the process first.
    this.writing.catch(() => {});
  }

  /** Everything decided, written. */
  async flush() {
    this.queueFlush();
    await this.writing;
  }

  private async write(accepted: AcceptedChange[], decided: ActionOutcome[]) {
    if (accepted.length > 0) {
      const touched = new Set(await recordAcceptedChanges(this.deps.db, this.orgId, accepted));
      await publishByChannel(
        this.deps,
        this.orgId,
        this.targets.filter((t) => touched.has(t.id)),
        this.options.logger,
      );
    }
    if (decided.length === 0) return;
    this.outcomes.push(...decided);
    await this.options.onOutcomes?.(decided);
  }
}

/**
 * The live inbox's cues for changed conversations. A cue only tells browsers to refetch: one that
 * cannot be published is logged and skipped, never allowed to stop an action Outlook has carried out.
 */
async function publishByChannel(
  deps: AccessTokenDeps,
  orgId: string,
  changed: ActionTarget[],
  logger: Pick<Logger, "warn"> | undefined,
) {
  for (const [channelId, list] of groupBy(changed, (c) => c.channelId)) {
    await publishConversationsChanged(
      deps.events,
      { orgId, channelId },
      list.map((c) => c.id),
    ).catch((err: unknown) =>
      logger?.warn({ err, orgId, channelId }, "live event conversations.updated not published (skipped)"),
    );
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Graph's refusal as a sentence for the agent. */
export function inWords(error: GraphError | undefined): string {
  if (!error) return "Microsoft did not answer for this message";
  if (error.status === 404)
    return "A message is no longer where Mailroom saw it (moved or deleted in Outlook); the next sync will catch up";
  if (error.status === 429 || error.status === 503 || error.status === 504)
    return "Microsoft kept throttling this mailbox; try again in a few minutes";
  if (error.status === 401 || error.status === 403)
    return "Microsoft refused the change: the channel may lack permission to change mail (reconnect it)";
  return `Microsoft refused the change (${error.code}${error.message ? `: ${error.message}` : ""})`;
}

/** Map.groupBy, which Node 20 lacks. */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

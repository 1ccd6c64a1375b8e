/**
 * The notification service of one emulator: turns store changes into change notifications for the
 * subscriptions that watch them, applies injected faults, delivers (delivery.ts), retries failures
 * on the clock (retry.ts) and keeps each subscription's lifecycle (lifecycle.ts). Runtime only: a
 * reset or restart empties queues, faults and counters (subscriptions themselves live in the store).
 */
import type { Agent } from "undici";
import type { EmulatorContext } from "../context.ts";
import { changeInFolder, changeInMailbox } from "../store/change-view.ts";
import { findMessage } from "../store/messages.ts";
import type { LifecycleEvent, Subscription } from "../store/notification-types.ts";
import type { MailboxChange } from "../store/types.ts";
import { createReceiverAgent, Delivery, type Outgoing } from "./delivery.ts";
import { FaultBook, type FaultOf, shuffle } from "./faults.ts";
import { SubscriptionLifecycle } from "./lifecycle.ts";
import { type ChangeNotification, changeNotification, lifecycleNotification } from "./payloads.ts";
import { nextAttemptAt } from "./retry.ts";
import { defaultSettings, type NotificationSettings } from "./settings.ts";
import { DeliveryStats } from "./stats.ts";
import { TimerSet } from "./timers.ts";

const runtimes = new WeakMap<EmulatorContext, NotificationRuntime>();

/** The emulator's notification runtime (created on first use; the module starts it). */
export function notificationRuntime(ctx: EmulatorContext): NotificationRuntime {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    runtime = new NotificationRuntime(ctx);
    runtimes.set(ctx, runtime);
  }
  return runtime;
}

export class NotificationRuntime {
  /** Current settings; `reset` restores `defaults`. */
  settings: NotificationSettings = defaultSettings();
  defaults: NotificationSettings = defaultSettings();
  readonly stats = new DeliveryStats();
  readonly faults = new FaultBook();
  readonly lifecycle: SubscriptionLifecycle;
  /** Keep-alive client for receivers (validation and delivery). */
  readonly agent: Agent;
  private readonly timers: TimerSet;
  private readonly delivery: Delivery;
  private held: Outgoing[] = [];
  private cancelHold: (() => void) | undefined;
  private stops: (() => void)[] = [];

  constructor(private readonly ctx: EmulatorContext) {
    this.timers = new TimerSet(ctx.clock);
    this.agent = createReceiverAgent(ctx.caPem);
    this.delivery = new Delivery(this.agent, () => this.settings, {
      isLive: (item) => item.kind === "lifecycle" || this.isActive(item.subscriptionId),
      delivered: (items) => this.delivered(items),
      failed: (items) => this.failed(items),
      discarded: (items) => {
        for (const item of items) this.settle(item, "dropped");
      },
    });
    this.lifecycle = new SubscriptionLifecycle({
      store: ctx.store,
      timers: this.timers,
      settings: () => this.settings,
      send: (subscription, event) => this.sendLifecycle(subscription, event),
    });
  }

  start(): void {
    if (this.stops.length > 0) return;
    const { store } = this.ctx;
    this.stops.push(
      store.onChange((change) => this.onChange(change)),
      store.onReset(() => this.reset()),
    );
    for (const subscription of store.state.subscriptions.values()) this.lifecycle.track(subscription);
  }

  /** Changes current settings and, with `asDefaults`, the ones a reset restores. */
  configure(patch: Partial<NotificationSettings>, asDefaults = false): NotificationSettings {
    this.settings = { ...this.settings, ...patch };
    if (asDefaults) this.defaults = { ...this.defaults, ...patch };
    return this.settings;
  }

  /** Sends a lifecycle notification if the subscription has a lifecycleNotificationUrl. */
  sendLifecycle(subscription: Subscription, event: LifecycleEvent): boolean {
    const url = subscription.lifecycleNotificationUrl;
    if (!url) return false;
    this.delivery.enqueue({
      kind: "lifecycle",
      subscriptionId: subscription.id,
      url,
      body: lifecycleNotification(subscription, event),
      firstQueuedAt: this.ctx.clock.now(),
      attempts: 0,
    });
    return true;
  }

  /** Ids of the subscriptions on a mailbox. */
  subscriptionsOf(mailboxId: string): string[] {
    const ids: string[] = [];
    for (const subscription of this.ctx.store.state.subscriptions.values())
      if (subscription.mailboxId === mailboxId) ids.push(subscription.id);
    return ids;
  }

  /** Subscriptions still alive by the clock (expired ones are removed by their timer). */
  isActive(subscriptionId: string): boolean {
    const subscription = this.ctx.store.state.subscriptions.get(subscriptionId);
    return subscription !== undefined && this.ctx.clock.now() < subscription.expiresAt;
  }

  reset(): void {
    this.timers.cancelAll();
    this.lifecycle.clear();
    this.delivery.reset();
    this.held = [];
    this.cancelHold = undefined;
    this.stats.clear();
    this.faults.clear();
    this.settings = { ...this.defaults };
    for (const subscription of this.ctx.store.state.subscriptions.values())
      this.lifecycle.track(subscription);
  }

  async close(): Promise<void> {
    for (const stop of this.stops) stop();
    this.stops = [];
    this.timers.cancelAll();
    this.delivery.reset();
    await this.agent.destroy();
    runtimes.delete(this.ctx);
  }

  /** Store listener: queue, never deliver here. */
  private onChange(change: MailboxChange): void {
    const { store, clock } = this.ctx;
    const now = clock.now();
    let changeKey: string | undefined;
    for (const subscription of store.state.subscriptions.values()) {
      if (subscription.mailboxId !== change.mailboxId || now >= subscription.expiresAt) continue;
      const type =
        subscription.folderId === null
          ? changeInMailbox(change)
          : changeInFolder(change, subscription.folderId);
      if (!type || !subscription.changeTypes.includes(type)) continue;
      changeKey ??= this.changeKeyOf(change);
      this.accept(subscription, changeNotification(subscription, type, change.messageId, changeKey));
    }
  }

  /** The message's current changeKey (for the etag); a deleted message gets one derived from the event. */
  private changeKeyOf(change: MailboxChange): string {
    const mailbox = this.ctx.store.state.mailboxes.get(change.mailboxId);
    const found =
      mailbox && change.kind !== "deleted"
        ? findMessage(this.ctx.store, mailbox, change.messageId)
        : undefined;
    return found?.message.changeKey ?? Buffer.from(`${change.mailboxId}:${change.seq}`).toString("base64");
  }

  private accept(subscription: Subscription, body: ChangeNotification): void {
    const target = { subscriptionId: subscription.id, mailboxId: subscription.mailboxId };
    // Changes while paused for reauthorization are lost (the app recovers them with delta).
    if (subscription.paused) {
      this.stats.add(subscription.id, "dropped");
      return;
    }
    const drop = this.faults.take("drop", target);
    if (drop) {
      this.stats.add(subscription.id, "dropped");
      if (drop.announceMissed) this.sendLifecycle(subscription, "missed");
      return;
    }
    const copies = this.faults.take("duplicate", target) ? 2 : 1;
    const delay = this.faults.take("delay", target);
    const reorder = this.faults.take("reorder", target);
    const now = this.ctx.clock.now();
    for (let copy = 0; copy < copies; copy++) {
      const item: Outgoing = {
        kind: "change",
        subscriptionId: subscription.id,
        url: subscription.notificationUrl,
        body,
        firstQueuedAt: now,
        attempts: 0,
      };
      this.stats.add(subscription.id, "pending");
      if (copy > 0) this.stats.add(subscription.id, "duplicated");
      const route = () => (reorder ? this.hold(item, reorder) : this.delivery.enqueue(item));
      if (delay) this.timers.after(delay.delayMs, route);
      else route();
    }
  }

  private hold(item: Outgoing, fault: FaultOf<"reorder">): void {
    this.held.push(item);
    if (this.held.length >= fault.window) this.releaseHeld();
    else if (this.held.length === 1 && fault.holdMs !== undefined)
      this.cancelHold = this.timers.after(fault.holdMs, () => this.releaseHeld());
  }

  private releaseHeld(): void {
    this.cancelHold?.();
    this.cancelHold = undefined;
    const items = shuffle(this.held);
    this.held = [];
    for (const item of items) this.delivery.enqueue(item);
  }

  private delivered(items: Outgoing[]): void {
    for (const item of items) {
      if (item.kind === "lifecycle") this.stats.add(item.subscriptionId, "lifecycleDelivered");
      else this.settle(item, "delivered");
    }
  }

  /** Schedules retries on the clock; past the retry window the notification is dropped (and `missed` sent). */
  private failed(items: Outgoing[]): void {
    const now = this.ctx.clock.now();
    const missed = new Set<string>();
    for (const item of items) {
      const change = item.kind === "change";
      this.stats.add(item.subscriptionId, change ? "failed" : "lifecycleFailed");
      item.attempts++;
      const at = nextAttemptAt(item.firstQueuedAt, item.attempts, now, this.settings);
      if (at === null) {
        if (change) {
          this.settle(item, "dropped");
          missed.add(item.subscriptionId);
        }
        continue;
      }
      if (change) this.stats.add(item.subscriptionId, "retried");
      this.timers.at(at, () => this.delivery.enqueue(item));
    }
    for (const id of missed) {
      const subscription = this.ctx.store.state.subscriptions.get(id);
      if (subscription) this.sendLifecycle(subscription, "missed");
    }
  }

  private settle(item: Outgoing, outcome: "delivered" | "dropped"): void {
    if (item.kind === "lifecycle") return;
    this.stats.add(item.subscriptionId, "pending", -1);
    this.stats.add(item.subscriptionId, outcome);
  }
}

/**
 * A subscription's life on the clock: expiry (Graph deletes it and sends nothing more), and the
 * reauthorization challenge before the access token behind it expires, after which delivery pauses
 * until `POST /subscriptions/{id}/reauthorize` or a renewing PATCH.
 * https://learn.microsoft.com/graph/change-notifications-lifecycle-events#reauthorizationrequired-notifications
 * Only subscriptions with a lifecycleNotificationUrl get challenged (and so can be paused): the
 * others could never learn they need to act.
 */
import type { Cancel } from "../clock.ts";
import type { LifecycleEvent, Subscription } from "../store/notification-types.ts";
import type { Store } from "../store/store.ts";
import type { NotificationSettings } from "./settings.ts";
import type { TimerSet } from "./timers.ts";

export interface LifecycleDeps {
  store: Store;
  timers: TimerSet;
  settings: () => NotificationSettings;
  /** Queues a lifecycle notification to the subscription's lifecycleNotificationUrl. */
  send(subscription: Subscription, event: LifecycleEvent): void;
}

export class SubscriptionLifecycle {
  private readonly timers = new Map<string, Cancel[]>();

  constructor(private readonly deps: LifecycleDeps) {}

  /** (Re)arms the subscription's expiry and reauthorization timers from its current fields. */
  track(subscription: Subscription): void {
    this.untrack(subscription.id);
    const { timers, settings } = this.deps;
    const cancels = [timers.at(subscription.expiresAt, () => this.remove(subscription.id, false))];
    const { reauthorizeOnTokenExpiry, reauthorizationLeadMs } = settings();
    if (
      reauthorizeOnTokenExpiry &&
      subscription.lifecycleNotificationUrl &&
      subscription.authorizedUntil < subscription.expiresAt
    ) {
      const challengeAt = subscription.authorizedUntil - reauthorizationLeadMs;
      cancels.push(timers.at(challengeAt, () => this.deps.send(subscription, "reauthorizationRequired")));
      cancels.push(
        timers.at(subscription.authorizedUntil, () => {
          subscription.paused = true;
        }),
      );
    }
    this.timers.set(subscription.id, cancels);
  }

  untrack(subscriptionId: string): void {
    for (const cancel of this.timers.get(subscriptionId) ?? []) cancel();
    this.timers.delete(subscriptionId);
  }

  /** Renew or reauthorize: the new token's expiry, delivery resumed. */
  reauthorize(subscription: Subscription, authorizedUntil: number): void {
    subscription.authorizedUntil = authorizedUntil;
    subscription.paused = false;
    this.track(subscription);
  }

  /** Sends reauthorizationRequired now; with `pause`, delivery stops until the app reauthorizes. */
  challenge(subscription: Subscription, pause: boolean): boolean {
    if (!subscription.lifecycleNotificationUrl) return false;
    this.deps.send(subscription, "reauthorizationRequired");
    if (pause) subscription.paused = true;
    return true;
  }

  /** Deletes the subscription; `notify` sends subscriptionRemoved first (Graph-initiated removal). */
  remove(subscriptionId: string, notify: boolean): Subscription | undefined {
    const { store } = this.deps;
    const subscription = store.state.subscriptions.get(subscriptionId);
    this.untrack(subscriptionId);
    if (!subscription) return undefined;
    if (notify && subscription.lifecycleNotificationUrl) this.deps.send(subscription, "subscriptionRemoved");
    store.state.subscriptions.delete(subscriptionId);
    return subscription;
  }

  clear(): void {
    for (const id of [...this.timers.keys()]) this.untrack(id);
  }
}

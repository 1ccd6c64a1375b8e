/** Delivery counters per subscription and in total (runtime only; `GET /_emulator/notifications/…`). */

export interface DeliveryCounters {
  /** Change notifications the receiver acknowledged with 2xx. */
  delivered: number;
  /** Failed attempts (non-2xx, timeout, connection error). */
  failed: number;
  /** Attempts scheduled again after a failure. */
  retried: number;
  /** Lost for good: retries exhausted, drop fault, paused for reauthorization, subscription gone. */
  dropped: number;
  /** Extra copies sent by the duplicate fault. */
  duplicated: number;
  /** Accepted and not yet delivered or dropped (queued, in flight, delayed, held or waiting to retry). */
  pending: number;
  lifecycleDelivered: number;
  lifecycleFailed: number;
}

export type CounterName = keyof DeliveryCounters;

export function emptyCounters(): DeliveryCounters {
  return {
    delivered: 0,
    failed: 0,
    retried: 0,
    dropped: 0,
    duplicated: 0,
    pending: 0,
    lifecycleDelivered: 0,
    lifecycleFailed: 0,
  };
}

export class DeliveryStats {
  readonly totals = emptyCounters();
  private readonly bySubscription = new Map<string, DeliveryCounters>();

  of(subscriptionId: string): DeliveryCounters {
    let counters = this.bySubscription.get(subscriptionId);
    if (!counters) {
      counters = emptyCounters();
      this.bySubscription.set(subscriptionId, counters);
    }
    return counters;
  }

  add(subscriptionId: string, name: CounterName, amount = 1): void {
    this.of(subscriptionId)[name] += amount;
    this.totals[name] += amount;
  }

  clear(): void {
    this.bySubscription.clear();
    Object.assign(this.totals, emptyCounters());
  }
}

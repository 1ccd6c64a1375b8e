/**
 * Posting notifications to receivers: one lane per (kind, URL), so change and lifecycle
 * notifications never share a POST. Items queue while a POST is in flight and leave together in
 * the next one's `value` array, as Graph batches ("may send multiple notifications … in the same
 * POST request", https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#change-notification-example).
 * Nothing waits on purpose: a lone notification leaves on the next turn of the event loop.
 * The receiver must answer 2xx within deliveryTimeoutMs (Graph: 3 s); anything else is a failure
 * the runtime retries. Connections are kept alive (undici Agent).
 */
import { rootCertificates } from "node:tls";
import { Agent, request } from "undici";
import type { ChangeNotification, LifecycleNotification } from "./payloads.ts";
import type { NotificationSettings } from "./settings.ts";

export interface Outgoing {
  kind: "change" | "lifecycle";
  subscriptionId: string;
  url: string;
  body: ChangeNotification | LifecycleNotification;
  /** Virtual time it was first queued: retries stop retryWindowMs after it. */
  firstQueuedAt: number;
  /** Failed attempts so far. */
  attempts: number;
}

export interface DeliveryHooks {
  /** False when an item must not be sent any more (its subscription was deleted or expired). */
  isLive(item: Outgoing): boolean;
  delivered(items: Outgoing[]): void;
  failed(items: Outgoing[]): void;
  discarded(items: Outgoing[]): void;
}

interface Lane {
  kind: Outgoing["kind"];
  url: string;
  items: Outgoing[];
  inFlight: number;
  scheduled: boolean;
}

/** Trusts public CAs and the emulator's own CA (receivers may reuse its certificates locally). */
export function createReceiverAgent(caPem: string): Agent {
  return new Agent({
    connections: 32,
    keepAliveTimeout: 30_000,
    connect: { ca: [...rootCertificates, caPem] },
  });
}

export class Delivery {
  private readonly lanes = new Map<string, Lane>();
  private generation = 0;

  constructor(
    private readonly agent: Agent,
    private readonly settings: () => NotificationSettings,
    private readonly hooks: DeliveryHooks,
  ) {}

  enqueue(item: Outgoing): void {
    const key = `${item.kind} ${item.url}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { kind: item.kind, url: item.url, items: [], inFlight: 0, scheduled: false };
      this.lanes.set(key, lane);
    }
    lane.items.push(item);
    this.schedule(lane);
  }

  /** Items queued or in flight (not those waiting on the clock). */
  get queued(): number {
    let count = 0;
    for (const lane of this.lanes.values()) count += lane.items.length;
    return count;
  }

  /** Forgets every queue; POSTs in flight finish but report nothing. */
  reset(): void {
    this.generation++;
    this.lanes.clear();
  }

  private schedule(lane: Lane): void {
    if (lane.scheduled) return;
    lane.scheduled = true;
    // Never deliver inside the caller's turn (store listeners, clock callbacks).
    setImmediate(() => {
      lane.scheduled = false;
      this.pump(lane);
    });
  }

  private pump(lane: Lane): void {
    const { maxInFlightPerUrl, maxBatchSize } = this.settings();
    while (lane.inFlight < maxInFlightPerUrl && lane.items.length > 0) {
      const taken = lane.items.splice(0, maxBatchSize);
      const batch = taken.filter((item) => this.hooks.isLive(item));
      if (batch.length < taken.length) this.hooks.discarded(taken.filter((item) => !batch.includes(item)));
      if (batch.length === 0) continue;
      lane.inFlight++;
      const generation = this.generation;
      void this.post(lane.url, batch).then((ok) => {
        if (generation !== this.generation) return;
        lane.inFlight--;
        if (ok) this.hooks.delivered(batch);
        else this.hooks.failed(batch);
        this.pump(lane);
      });
    }
  }

  private async post(url: string, batch: Outgoing[]): Promise<boolean> {
    try {
      const response = await request(url, {
        dispatcher: this.agent,
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ value: batch.map((item) => item.body) }),
        signal: AbortSignal.timeout(this.settings().deliveryTimeoutMs),
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300;
    } catch {
      return false;
    }
  }
}

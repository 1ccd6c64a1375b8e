import type { LiveEvent } from "@mailroom/contract";

/**
 * Org-scoped live events. Modules publish here; every web process delivers them to its SSE
 * clients. The implementation (events/pg-bus.ts) goes through Postgres NOTIFY so it works
 * across processes and in embedded mode alike. The events are the contract's union
 * (`@mailroom/contract` live-events.ts): small payloads, ids and counters, never message bodies or
 * secrets.
 */
export type { LiveEvent };

/**
 * Sent by a process to its own subscribers (never through NOTIFY) when its LISTEN connection came
 * back after a loss: events published meanwhile never reached it, so every stream it serves is told
 * to refetch. Data: `{}`.
 */
export const RESYNC = "resync" as const;

export interface EventBus {
  publish(orgId: string, event: LiveEvent): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(orgId: string, listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

import { liveEvent } from "@mailroom/contract";
import pg from "pg";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";
import type { EventBus, LiveEvent } from "./bus.ts";

const CHANNEL = "mailroom_events";
const MAX_PAYLOAD = 7900; // NOTIFY payloads must stay under 8000 bytes

/** A NOTIFY payload: `{orgId, type, data}`, the event one of the contract's union. */
const envelope = z.object({ orgId: z.string().min(1) }).and(liveEvent);

/**
 * Event bus over Postgres LISTEN/NOTIFY: publish is a NOTIFY, and every process (web nodes,
 * workers) LISTENs once and fans out to its local subscribers by org. PGlite supports the same
 * in-process, so embedded mode takes the same path.
 */
export async function createPgEventBus(database: Database, logger: Logger): Promise<EventBus> {
  const listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  const deliver = (payload: string) => {
    const parsed = envelope.safeParse(safeJson(payload));
    if (!parsed.success) return logger.warn("ignored malformed live event");
    const { orgId, ...event } = parsed.data;
    for (const listener of listeners.get(orgId) ?? []) {
      try {
        listener(event);
      } catch (err) {
        logger.error({ err }, "live event listener failed");
      }
    }
  };

  let stopListening: () => Promise<void>;
  if (database.kind === "pglite") {
    stopListening = await database.pglite!.listen(CHANNEL, deliver);
  } else {
    stopListening = await listenWithReconnect(database.url!, deliver, logger);
  }

  return {
    async publish(orgId, event) {
      const payload = JSON.stringify({ orgId, type: event.type, data: event.data });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD) throw new Error(`Live event ${event.type} is too large`);
      if (database.kind === "pglite")
        await database.pglite!.query("select pg_notify($1, $2)", [CHANNEL, payload]);
      else await database.pool!.query("select pg_notify($1, $2)", [CHANNEL, payload]);
    },
    subscribe(orgId, listener) {
      const set = listeners.get(orgId) ?? new Set<(event: LiveEvent) => void>();
      listeners.set(orgId, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(orgId);
      };
    },
    async close() {
      listeners.clear();
      await stopListening();
    },
  };
}

/** A dedicated LISTEN connection that comes back after a connection loss. */
async function listenWithReconnect(url: string, deliver: (payload: string) => void, logger: Logger) {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (msg) => msg.channel === CHANNEL && msg.payload && deliver(msg.payload));
    c.on("error", (err) => {
      logger.warn({ err }, "live event connection lost; reconnecting");
      c.end().catch(() => {});
      if (!closed) retry = setTimeout(() => connect().catch(() => {}), 1000);
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
  };
  await connect();
  return async () => {
    closed = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

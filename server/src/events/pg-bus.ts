import { liveEvent } from "@mailroom/contract";
import pg from "pg";
import { z } from "zod";
import type { Database } from "../db/client.ts";
import type { Logger } from "../log.ts";
import { type EventBus, type LiveEvent, RESYNC } from "./bus.ts";
import { reconnectDelayMs } from "./reconnect-delay.ts";

const CHANNEL = "mailroom_events";
const MAX_PAYLOAD = 7900; // NOTIFY payloads must stay under 8000 bytes

/** A NOTIFY payload: `{orgId, type, data}`, the event one of the contract's union. */
const envelope = z.object({ orgId: z.string().min(1) }).and(liveEvent);

/**
 * Event bus over Postgres LISTEN/NOTIFY: publish is a NOTIFY, and every process (web nodes,
 * workers) LISTENs once and fans out to its local subscribers by org. PGlite supports the same
 * in-process, so embedded mode takes the same path. On Postgres the LISTEN connection can drop;
 * when it is back, every local subscriber gets a `resync` (what was published meanwhile is lost).
 */
export async function createPgEventBus(database: Database, logger: Logger): Promise<EventBus> {
  const listeners = new Map<string, Set<(event: LiveEvent) => void>>();
  const notify = (listener: (event: LiveEvent) => void, event: LiveEvent) => {
    try {
      listener(event);
    } catch (err) {
      logger.error({ err }, "live event listener failed");
    }
  };
  const deliver = (payload: string) => {
    const parsed = envelope.safeParse(safeJson(payload));
    if (!parsed.success) return logger.warn("ignored malformed live event");
    const { orgId, ...event } = parsed.data;
    for (const listener of listeners.get(orgId) ?? []) notify(listener, event);
  };
  const resyncAll = () => {
    for (const set of listeners.values())
      for (const listener of set) notify(listener, { type: RESYNC, data: {} });
  };

  let stopListening: () => Promise<void>;
  if (database.kind === "pglite") {
    stopListening = await database.pglite!.listen(CHANNEL, deliver);
  } else {
    stopListening = await listenWithReconnect(database.url!, { deliver, reconnected: resyncAll }, logger);
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

interface ListenHooks {
  deliver(payload: string): void;
  /** The connection is back after a loss. */
  reconnected(): void;
}

/**
 * A dedicated LISTEN connection that comes back after a connection loss: reconnects are retried
 * with a capped backoff (reconnect-delay.ts) for as long as it takes, until close(). The first
 * connection must succeed (the process does not start without its database).
 */
async function listenWithReconnect(url: string, hooks: ListenHooks, logger: Logger) {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let attempt = 0;

  /** Tries again after the next backoff; returns how long that is. */
  const scheduleReconnect = (): number => {
    attempt++;
    const waitMs = reconnectDelayMs(attempt);
    retry = setTimeout(async () => {
      try {
        await open();
      } catch (err) {
        if (closed) return;
        logger.warn({ err, attempt, retryInMs: scheduleReconnect() }, "live event reconnect failed");
        return;
      }
      if (closed) return;
      logger.warn({ attempts: attempt }, "live event connection back; open streams told to resync");
      attempt = 0;
      hooks.reconnected();
    }, waitMs);
    return waitMs;
  };

  const open = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: "mailroom-live-events" });
    let listening = false;
    let lost = false;
    // Either event may come, or both, for one loss; a failed open is reported by its caller.
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      c.end().catch(() => {});
      if (!listening || closed) return;
      client = undefined;
      logger.warn({ err, retryInMs: scheduleReconnect() }, "live event connection lost; reconnecting");
    };
    c.on("error", onLost);
    c.on("end", () => onLost());
    c.on("notification", (msg) => msg.channel === CHANNEL && msg.payload && hooks.deliver(msg.payload));
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      onLost();
      throw err;
    }
    if (lost) throw new Error("the live event connection closed while it was being opened");
    if (closed) return void (await c.end().catch(() => {}));
    listening = true;
    client = c;
  };

  await open();
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

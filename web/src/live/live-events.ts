/**
 * One shared EventSource on `/api/events` (org-scoped Server-Sent Events) for the whole tab.
 * Components subscribe through `useLiveEvents`; the stream opens with the first subscriber,
 * closes a little after the last one leaves, and reconnects on its own with backoff.
 */

export interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * Every event type the server publishes (SSE named events need a listener per name).
 * `live.reconnected` is ours: sent after a dropped stream comes back, so views refetch what they
 * may have missed. The server's `resync` means the same from its side (the node serving this stream
 * lost events while its database connection was down), so it is passed on as `live.reconnected`.
 */
export const LIVE_EVENT_TYPES = [
  "ready",
  "members.updated",
  "channels.updated",
  "inboxes.updated",
  "conversations.updated",
  "sync.progress",
  "sync.health",
  "resync",
] as const;
export const RECONNECTED = "live.reconnected";
const RESYNC = "resync";

type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
const LINGER_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;

let source: EventSource | null = null;
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
let lingerTimer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;
let connectedBefore = false;

export function subscribeLiveEvents(listener: Listener): () => void {
  listeners.add(listener);
  clearTimeout(lingerTimer);
  if (!source && reconnectTimer === undefined) connect();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) lingerTimer = setTimeout(stopLiveEvents, LINGER_MS);
  };
}

/** Reopens the stream, e.g. after switching org (the stream is bound to the active org). */
export function restartLiveEvents(): void {
  close();
  connectedBefore = false;
  if (listeners.size > 0) connect();
}

/** Closes the stream (logging out). */
export function stopLiveEvents(): void {
  close();
  connectedBefore = false;
}

function connect() {
  reconnectTimer = undefined;
  const es = new EventSource("/api/events");
  source = es;
  for (const type of LIVE_EVENT_TYPES) es.addEventListener(type, (message) => onMessage(type, message));
  es.onopen = () => {
    failures = 0;
  };
  es.onerror = () => {
    // CONNECTING means the browser retries by itself; CLOSED (an HTTP error such as 401, or a
    // wrong content type) means it gave up, so we retry with backoff.
    if (es.readyState !== EventSource.CLOSED || source !== es) return;
    source = null;
    failures += 1;
    const delay = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** Math.min(failures - 1, 5));
    reconnectTimer = setTimeout(connect, delay);
  };
}

function close() {
  clearTimeout(reconnectTimer);
  clearTimeout(lingerTimer);
  reconnectTimer = undefined;
  source?.close();
  source = null;
}

function onMessage(type: string, message: Event) {
  const data = parseData(message instanceof MessageEvent ? message.data : undefined);
  if (type === RESYNC) return dispatch({ type: RECONNECTED, data });
  if (type === "ready") {
    if (connectedBefore) dispatch({ type: RECONNECTED, data });
    connectedBefore = true;
  }
  dispatch({ type, data });
}

function dispatch(event: LiveEvent) {
  for (const listener of [...listeners]) listener(event);
}

function parseData(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "string" || !raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

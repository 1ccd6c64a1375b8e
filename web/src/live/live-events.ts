import { LIVE_EVENT_TYPES, liveEvent, type LiveEvent as ServerEvent } from "@mailroom/contract";

/**
 * One shared EventSource on `/api/events` (org-scoped Server-Sent Events) for the whole tab.
 * Components subscribe through `useLiveEvents`; the stream opens with the first subscriber,
 * closes a little after the last one leaves, and reconnects on its own with backoff. The events
 * and their names are the contract's union (SSE named events need a listener per name); each is
 * read with its schema, and one that doesn't match is dropped.
 */

/**
 * Ours, not the server's: dispatched after a dropped stream comes back, and when the server says
 * events may have been lost (`resync`), so views refetch what they may have missed.
 */
export const RECONNECTED = "live.reconnected";

export type LiveEvent = ServerEvent | { type: typeof RECONNECTED; data: Record<string, never> };

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
  const parsed = liveEvent.safeParse({
    type,
    data: parseData(message instanceof MessageEvent ? message.data : undefined),
  });
  if (!parsed.success) return console.warn(`ignored a malformed live event (${type})`, parsed.error);
  const event = parsed.data;
  if (event.type === "ready") {
    if (connectedBefore) dispatch({ type: RECONNECTED, data: {} });
    connectedBefore = true;
  }
  if (event.type === "resync") dispatch({ type: RECONNECTED, data: {} });
  dispatch(event);
}

function dispatch(event: LiveEvent) {
  for (const listener of [...listeners]) listener(event);
}

function parseData(raw: unknown): unknown {
  if (typeof raw !== "string" || !raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

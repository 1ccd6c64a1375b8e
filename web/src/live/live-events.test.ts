import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type * as LiveEvents from "./live-events.ts";

/**
 * The live-events client against a stand-in EventSource: what the browser would deliver (named
 * events, errors with a readyState) goes in, and what subscribers receive and which streams are
 * open come out. Each test imports a fresh copy of the module (it keeps one stream per tab).
 */

class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: FakeEventSource[] = [];

  readyState = FakeEventSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly handlers = new Map<string, ((event: Event) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }

  addEventListener(type: string, handler: (event: Event) => void) {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), handler]);
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
  }

  /** The server opened the stream. */
  open() {
    this.readyState = FakeEventSource.OPEN;
    this.onopen?.();
  }

  /** A named event with `data` as the server writes it (a string, usually JSON). */
  emit(type: string, data: string) {
    for (const handler of this.handlers.get(type) ?? []) handler(new MessageEvent(type, { data }));
  }

  /** The stream failed; `gaveUp`: the browser won't retry by itself (HTTP error, wrong type). */
  fail(gaveUp: boolean) {
    this.readyState = gaveUp ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
    this.onerror?.();
  }
}

let live: typeof LiveEvents;
const received: LiveEvents.LiveEvent[] = [];
const types = () => received.map((e) => e.type);
const latest = () => FakeEventSource.opened.at(-1)!;
const openStreams = () => FakeEventSource.opened.filter((s) => s.readyState !== FakeEventSource.CLOSED);

beforeEach(async () => {
  vi.useFakeTimers();
  vi.stubGlobal("EventSource", FakeEventSource);
  vi.spyOn(console, "warn").mockImplementation(() => {});
  FakeEventSource.opened = [];
  received.length = 0;
  vi.resetModules();
  live = await import("./live-events.ts");
});

afterEach(() => {
  live.stopLiveEvents();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const subscribe = () => live.subscribeLiveEvents((event) => received.push(event));

describe("live events", () => {
  it("opens one stream for all subscribers and hands each the events read with the contract", () => {
    const other: LiveEvents.LiveEvent[] = [];
    subscribe();
    live.subscribeLiveEvents((event) => other.push(event));
    expect(FakeEventSource.opened).toHaveLength(1);
    expect(latest().url).toBe("/api/events");
    latest().emit("conversations.updated", JSON.stringify({ channelId: "ch1", conversationIds: ["c1"] }));
    latest().emit("members.updated", "");
    const expected = [
      { type: "conversations.updated", data: { channelId: "ch1", conversationIds: ["c1"] } },
      { type: "members.updated", data: {} },
    ];
    expect(received).toEqual(expected);
    expect(other).toEqual(expected);
  });

  it("drops an event whose data doesn't match its schema or isn't JSON, and keeps listening", () => {
    subscribe();
    latest().emit("conversations.updated", JSON.stringify({ channelId: 7, conversationIds: ["c1"] }));
    latest().emit("sync.health", "{not json");
    latest().emit("sync.progress", JSON.stringify({ channelId: "ch1", kind: "initial", synced: 1 }));
    expect(received).toEqual([]);
    expect(console.warn).toHaveBeenCalledTimes(3);
    latest().emit("sync.health", JSON.stringify({ channelId: "ch1" }));
    expect(received).toEqual([{ type: "sync.health", data: { channelId: "ch1" } }]);
  });

  it("tells subscribers to refetch when a stream comes back, but not on its first `ready`", () => {
    subscribe();
    latest().emit("ready", JSON.stringify({ orgId: "o1" }));
    expect(types()).toEqual(["ready"]);
    // The browser reconnected by itself: the server starts the new stream with `ready` again.
    latest().emit("ready", JSON.stringify({ orgId: "o1" }));
    expect(types()).toEqual(["ready", live.RECONNECTED, "ready"]);
  });

  it("tells subscribers to refetch on `resync` (the server may have lost events)", () => {
    subscribe();
    latest().emit("resync", "{}");
    expect(types()).toEqual([live.RECONNECTED, "resync"]);
  });

  it("reconnects a stream the browser gave up on, backing off 1 s, 2 s, 4 s … up to 30 s", () => {
    subscribe();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 7; attempt++) {
      const before = FakeEventSource.opened.length;
      latest().fail(true);
      let waited = 0;
      while (FakeEventSource.opened.length === before) {
        vi.advanceTimersByTime(500);
        waited += 500;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(openStreams()).toHaveLength(1);
  });

  it("starts the backoff over once a stream opened, and refetches after the reconnect", () => {
    subscribe();
    latest().emit("ready", JSON.stringify({ orgId: "o1" }));
    latest().fail(true);
    vi.advanceTimersByTime(1_000);
    latest().fail(true);
    vi.advanceTimersByTime(2_000);
    expect(FakeEventSource.opened).toHaveLength(3);
    latest().open();
    latest().emit("ready", JSON.stringify({ orgId: "o1" }));
    expect(types()).toEqual(["ready", live.RECONNECTED, "ready"]);
    latest().fail(true);
    vi.advanceTimersByTime(1_000);
    expect(FakeEventSource.opened).toHaveLength(4);
  });

  it("leaves retrying to the browser while it is still connecting", () => {
    subscribe();
    latest().fail(false);
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it("closes the stream a while after the last subscriber left, unless another comes", () => {
    const first = subscribe();
    first();
    vi.advanceTimersByTime(4_000);
    const second = subscribe();
    vi.advanceTimersByTime(10_000);
    expect(openStreams()).toHaveLength(1);
    second();
    vi.advanceTimersByTime(5_000);
    expect(openStreams()).toHaveLength(0);
    expect(FakeEventSource.opened).toHaveLength(1);
  });

  it("restarts on request (another org) without taking the new stream's `ready` for a reconnect", () => {
    subscribe();
    latest().emit("ready", JSON.stringify({ orgId: "o1" }));
    live.restartLiveEvents();
    expect(FakeEventSource.opened).toHaveLength(2);
    expect(openStreams()).toEqual([latest()]);
    latest().emit("ready", JSON.stringify({ orgId: "o2" }));
    expect(received).toEqual([
      { type: "ready", data: { orgId: "o1" } },
      { type: "ready", data: { orgId: "o2" } },
    ]);
  });

  it("stops retrying after logging out", () => {
    subscribe();
    latest().fail(true);
    live.stopLiveEvents();
    vi.advanceTimersByTime(60_000);
    expect(FakeEventSource.opened).toHaveLength(1);
  });
});

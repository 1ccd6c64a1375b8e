import { describe, expect, it } from "vitest";
import {
  CHANNEL_INTERVAL_MS,
  COALESCE_MS,
  FLUSH_INTERVAL_MS,
  type FlushState,
  type LastSend,
  nextFlushAt,
  planFlush,
  STORM_INTERVAL_MS,
  STORM_NOTIFICATIONS,
} from "./flush-plan.ts";

const T = 1_000_000;

function state(
  pending: Record<string, number>,
  lastSent: Record<string, LastSend> = {},
  lastFlush = 0,
): FlushState {
  return {
    pending: new Map(Object.entries(pending).map(([id, notifications]) => [id, { notifications }])),
    lastSent: new Map(Object.entries(lastSent)),
    lastFlush,
  };
}

describe("when intake queues notified syncs", () => {
  it("after a quiet spell, flushes a few milliseconds after the first notification", () => {
    expect(nextFlushAt(state({ a: 1 }), T)).toBe(T + COALESCE_MS);
    const plan = planFlush(state({ a: 1, b: 3 }), T + COALESCE_MS);
    expect([...plan.send.keys()]).toEqual(["a", "b"]);
    expect(plan.send.get("a")).toEqual({ at: T + COALESCE_MS, storm: false });
    expect(plan.nextFlushAt).toBeUndefined();
  });

  it("waits for nothing when nothing is pending", () => {
    expect(nextFlushAt(state({}), T)).toBeUndefined();
    expect(planFlush(state({}), T)).toEqual({ send: new Map(), nextFlushAt: undefined });
  });

  it("flushes at most once per interval, even for channels that are due", () => {
    const justFlushed = state({ a: 1 }, {}, T);
    expect(nextFlushAt(justFlushed, T + 10)).toBe(T + FLUSH_INTERVAL_MS);
  });

  it("paces a trickle on one channel: due again half a second after its last send", () => {
    const sent = { a: { at: T, storm: false } };
    expect(nextFlushAt(state({ a: 1 }, sent, T), T + 200)).toBe(T + CHANNEL_INTERVAL_MS);
    // Within one flush interval of being due it goes with the flush that runs now.
    expect(planFlush(state({ a: 1 }, sent, T), T + 300).send.size).toBe(0);
    expect([...planFlush(state({ a: 1 }, sent, T), T + 400).send.keys()]).toEqual(["a"]);
  });

  it("paces a storm: a send that carried many notifications makes the channel wait two seconds", () => {
    const plan = planFlush(state({ a: STORM_NOTIFICATIONS }), T);
    expect(plan.send.get("a")).toEqual({ at: T, storm: true });
    const sent = { a: plan.send.get("a")! };
    expect(nextFlushAt(state({ a: 5 }, sent, T), T + 10)).toBe(T + STORM_INTERVAL_MS);
    expect(planFlush(state({ a: 5 }, sent, T), T + STORM_INTERVAL_MS - FLUSH_INTERVAL_MS - 1).send.size).toBe(
      0,
    );
  });

  it("sends due channels in waves and keeps the rest for the next flush", () => {
    const sent = {
      a: { at: T, storm: false },
      b: { at: T + 50, storm: false },
      c: { at: T + 300, storm: false },
    };
    const plan = planFlush(state({ a: 2, b: 2, c: 2, d: 1 }, sent, T), T + CHANNEL_INTERVAL_MS);
    // a is due now, b within the coming flush interval, d never sent: all three go; c waits.
    expect([...plan.send.keys()].sort()).toEqual(["a", "b", "d"]);
    expect(plan.nextFlushAt).toBe(T + 300 + CHANNEL_INTERVAL_MS);
  });

  it("sends everything on shutdown, due or not", () => {
    const sent = { a: { at: T, storm: true } };
    const plan = planFlush(state({ a: 1 }, sent, T), T + 1, { all: true });
    expect([...plan.send.keys()]).toEqual(["a"]);
    expect(plan.nextFlushAt).toBeUndefined();
  });
});

// @vitest-environment happy-dom
import { cleanup, renderHook } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveEvent } from "./live-events.ts";

/** The hook over the shared stream: the latest callback hears events, and only while mounted. */

type Handler = (event: MessageEvent) => void;
let streams: { handlers: Map<string, Handler>; closed: boolean }[] = [];

beforeEach(() => {
  streams = [];
  vi.useFakeTimers();
  vi.stubGlobal(
    "EventSource",
    class {
      static readonly CLOSED = 2;
      readonly stream = { handlers: new Map<string, Handler>(), closed: false };
      constructor() {
        streams.push(this.stream);
      }
      addEventListener(type: string, handler: Handler) {
        this.stream.handlers.set(type, handler);
      }
      close() {
        this.stream.closed = true;
      }
    },
  );
  vi.resetModules();
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const emit = (type: string, data: object) =>
  streams.at(-1)!.handlers.get(type)!(new MessageEvent(type, { data: JSON.stringify(data) }));

describe("useLiveEvents", () => {
  it("calls the latest callback of a re-rendered component, and stops when it unmounts", async () => {
    const { useLiveEvents } = await import("./use-live-events.ts");
    const first: LiveEvent[] = [];
    const second: LiveEvent[] = [];
    const { rerender, unmount } = renderHook(({ into }) => useLiveEvents((event) => into.push(event)), {
      initialProps: { into: first },
    });
    emit("inboxes.updated", {});
    rerender({ into: second });
    emit("sync.health", { channelId: "ch1" });
    expect(first).toEqual([{ type: "inboxes.updated", data: {} }]);
    expect(second).toEqual([{ type: "sync.health", data: { channelId: "ch1" } }]);

    unmount();
    emit("inboxes.updated", {});
    expect(second).toHaveLength(1);
    // The stream lingers a moment for the next page's subscribers, then closes.
    expect(streams[0]!.closed).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(streams[0]!.closed).toBe(true);
    expect(streams).toHaveLength(1);
  });
});

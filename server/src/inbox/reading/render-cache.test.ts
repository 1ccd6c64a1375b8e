import { describe, expect, it } from "vitest";
import { RenderCache } from "./render-cache.ts";

describe("RenderCache", () => {
  it("keeps entries until they expire", () => {
    let now = 0;
    const cache = new RenderCache<string>({ maxBytes: 100, ttlMs: 1000, now: () => now });
    cache.set("a", "A", 10);
    now = 999;
    expect(cache.get("a")).toBe("A");
    now = 1001;
    expect(cache.get("a")).toBeUndefined();
  });

  it("drops the least recently used past its size, and never keeps one larger than all of it", () => {
    const cache = new RenderCache<string>({ maxBytes: 100, ttlMs: 60_000 });
    cache.set("a", "A", 40);
    cache.set("b", "B", 40);
    expect(cache.get("a")).toBe("A");
    cache.set("c", "C", 40);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("A");
    expect(cache.get("c")).toBe("C");
    cache.set("huge", "H", 101);
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.get("a")).toBe("A");
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { type Clock, createClock, graphDateTime } from "./clock.ts";

describe("clock", () => {
  let clock: Clock;
  afterEach(() => clock.close());

  it("fires due timers in due order when advanced, and only those", () => {
    clock = createClock({ timeScale: 0, startAt: Date.parse("2024-01-01T00:00:00Z") });
    const fired: string[] = [];
    clock.after(3_000, () => fired.push("3s"));
    clock.after(1_000, () => fired.push("1s"));
    clock.after(1_000, () => fired.push("1s again"));
    clock.after(60_000, () => fired.push("1min"));
    clock.advance(5_000);
    expect(fired).toEqual(["1s", "1s again", "3s"]);
    expect(graphDateTime(clock.now())).toBe("2024-01-01T00:00:05Z");
  });

  it("does not fire cancelled timers", () => {
    clock = createClock({ timeScale: 0 });
    const fired: string[] = [];
    const cancel = clock.after(10, () => fired.push("cancelled"));
    clock.after(20, () => fired.push("kept"));
    cancel();
    clock.advance(100);
    expect(fired).toEqual(["kept"]);
  });

  it("fires a timer scheduled by a callback when it is already due", () => {
    clock = createClock({ timeScale: 0 });
    const fired: string[] = [];
    clock.after(10, () => {
      fired.push("first");
      clock.after(5, () => fired.push("chained"));
    });
    clock.advance(20);
    expect(fired).toEqual(["first", "chained"]);
  });

  it("resolves sleep when virtual time passes", async () => {
    clock = createClock({ timeScale: 0 });
    let done = false;
    const sleeping = clock.sleep(4 * 60 * 60 * 1000).then(() => {
      done = true;
    });
    clock.advance(60_000);
    await Promise.resolve();
    expect(done).toBe(false);
    clock.advance(4 * 60 * 60 * 1000);
    await sleeping;
    expect(done).toBe(true);
  });

  it("runs faster than real time with a time scale", async () => {
    clock = createClock({ timeScale: 1_000 });
    const start = clock.now();
    // 10 virtual seconds at ×1000 take about 10 real milliseconds.
    await clock.sleep(10_000);
    expect(clock.now() - start).toBeGreaterThanOrEqual(10_000);
  });

  it("reports callback errors after running every due timer", () => {
    clock = createClock({ timeScale: 0 });
    const fired: string[] = [];
    clock.after(1, () => {
      throw new Error("boom");
    });
    clock.after(2, () => fired.push("still runs"));
    expect(() => clock.advance(10)).toThrow("boom");
    expect(fired).toEqual(["still runs"]);
  });
});

describe("clock callbacks", () => {
  it("see virtual time at their due time while advancing", () => {
    const clock = createClock({ timeScale: 0, startAt: 0 });
    const seen: number[] = [];
    clock.after(1_000, () => seen.push(clock.now()));
    clock.after(5_000, () => seen.push(clock.now()));
    clock.advance(10_000);
    expect(seen).toEqual([1_000, 5_000]);
    expect(clock.now()).toBe(10_000);
    clock.close();
  });
});

import { describe, expect, it } from "vitest";
import { MAX_RECONNECT_MS, reconnectDelayMs } from "./reconnect-delay.ts";

describe("reconnectDelayMs", () => {
  it("doubles from half a second and stops growing at the cap", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => reconnectDelayMs(n, middle))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000,
    ]);
    expect(reconnectDelayMs(10_000, middle)).toBe(MAX_RECONNECT_MS);
  });

  it("spreads each wait by up to a fifth either way", () => {
    expect(reconnectDelayMs(3, () => 0)).toBe(1600);
    expect(reconnectDelayMs(3, () => 0.999999)).toBe(2400);
    expect(reconnectDelayMs(7, () => 0.999999)).toBe(36000);
  });

  it("treats a nonsensical attempt number as the first", () => {
    expect(reconnectDelayMs(0, () => 0.5)).toBe(500);
    expect(reconnectDelayMs(-3, () => 0.5)).toBe(500);
  });
});

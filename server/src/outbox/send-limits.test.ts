import { describe, expect, it } from "vitest";
import { EXCHANGE_LIMITS, planAround } from "./send-limits.ts";

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + seconds * 1000);
const sent = (seconds: number, recipients = 1) => ({ at: at(seconds), recipients });

describe("planning a send around Exchange's limits", () => {
  it("goes when due while the minute and the day have room", () => {
    const times = Array.from({ length: 29 }, (_, i) => sent(-i));
    expect(planAround(times, at(0), 1, EXCHANGE_LIMITS)).toEqual(at(0));
  });

  it("waits for the oldest of the last minute's 30 messages to leave the window", () => {
    const times = Array.from({ length: 30 }, (_, i) => sent(-i));
    // The oldest of the 30 went at -29 s: the 31st may go at +31 s.
    expect(planAround(times, at(0), 1, EXCHANGE_LIMITS)).toEqual(at(31));
  });

  it("waits until enough of the day's recipients age out past 10,000", () => {
    const times = [sent(-20 * 3600, 6000), sent(-10 * 3600, 3999)];
    expect(planAround(times, at(0), 1, EXCHANGE_LIMITS)).toEqual(at(0));
    expect(planAround(times, at(0), 2, EXCHANGE_LIMITS)).toEqual(at(4 * 3600));
  });
});

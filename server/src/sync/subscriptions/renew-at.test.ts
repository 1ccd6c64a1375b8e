import { describe, expect, it } from "vitest";
import { renewAtFor } from "./renew-at.ts";

describe("renewal time", () => {
  const from = new Date("2026-01-01T00:00:00Z");
  const expiresAt = new Date("2026-01-08T00:00:00Z");
  const week = expiresAt.getTime() - from.getTime();

  it("falls between 50 % and 75 % of the lifetime", () => {
    expect(renewAtFor(from, expiresAt, 0).getTime() - from.getTime()).toBe(week * 0.5);
    expect(renewAtFor(from, expiresAt, 0.999_999).getTime() - from.getTime()).toBeLessThan(week * 0.75);
    for (let i = 0; i < 1000; i++) {
      const at = (renewAtFor(from, expiresAt).getTime() - from.getTime()) / week;
      expect(at).toBeGreaterThanOrEqual(0.5);
      expect(at).toBeLessThan(0.75);
    }
  });

  it("spreads channels connected at the same moment over the window", () => {
    const times = Array.from({ length: 1000 }, () => renewAtFor(from, expiresAt).getTime());
    // A quarter of a week is 42 hours: 1,000 renewals land in many different hours.
    const hours = new Set(times.map((t) => Math.floor(t / 3_600_000)));
    expect(hours.size).toBeGreaterThan(35);
  });

  it("never lands before `from`, even for a lifetime that has already ended", () => {
    expect(renewAtFor(from, new Date(from.getTime() - 1000), 0.5)).toEqual(from);
  });
});

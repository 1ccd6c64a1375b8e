import { describe, expect, it } from "vitest";
import { CATCH_UP_MAX_SPREAD_SECONDS, planCatchUp } from "./catch-up.ts";

const channels = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ channelId: `c${i}`, leaseExpiresInSeconds: null }));

describe("planCatchUp", () => {
  it("starts a handful of channels at once", () => {
    const plan = planCatchUp(channels(5), () => 0.99);
    expect(plan.map((p) => p.startAfterSeconds)).toEqual([0, 0, 0, 0, 0]);
  });

  it("spreads many channels at about ten starts a second", () => {
    const plan = planCatchUp(channels(100), () => 0.99);
    expect(Math.max(...plan.map((p) => p.startAfterSeconds))).toBe(9);
    expect(planCatchUp(channels(100), () => 0)[0]!.startAfterSeconds).toBe(0);
  });

  it("spreads thousands of channels over half a minute at most", () => {
    const plan = planCatchUp(channels(5000), () => 0.999);
    expect(Math.max(...plan.map((p) => p.startAfterSeconds))).toBe(CATCH_UP_MAX_SPREAD_SECONDS - 1);
  });

  it("starts a channel whose lease is still held just after the lease lapses", () => {
    const plan = planCatchUp(
      [
        { channelId: "held", leaseExpiresInSeconds: 21.2 },
        { channelId: "lapsed", leaseExpiresInSeconds: -3 },
        { channelId: "free", leaseExpiresInSeconds: null },
      ],
      () => 0,
    );
    expect(plan).toEqual([
      { channelId: "held", startAfterSeconds: 23 },
      { channelId: "lapsed", startAfterSeconds: 0 },
      { channelId: "free", startAfterSeconds: 0 },
    ]);
  });
});

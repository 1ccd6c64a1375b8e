import { describe, expect, it } from "vitest";
import { retryAfterSeconds } from "./sign-in-failures.ts";

describe("retryAfterSeconds", () => {
  it("counts the seconds left in the window, rounded up", () => {
    expect(retryAfterSeconds(1_000_000, 60, 1_000_000)).toBe(60);
    expect(retryAfterSeconds(1_000_000, 60, 1_000_000 + 59_001)).toBe(1);
  });

  it("never answers less than a second", () => {
    expect(retryAfterSeconds(1_000_000, 60, 1_000_000 + 60_000)).toBe(1);
    expect(retryAfterSeconds(1_000_000, 60, 2_000_000)).toBe(1);
  });
});

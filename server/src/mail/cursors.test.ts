import { describe, expect, it } from "vitest";
import { rollUpCursors } from "./cursors.ts";

const now = new Date("2026-12-01T12:00:00Z");
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000);

describe("rolling up the folder cursors", () => {
  it("needs every followed folder before a round counts", () => {
    const one = [{ folder: "inbox", lastRoundAt: minutesAgo(1), initialCompletedAt: minutesAgo(9) }];
    expect(rollUpCursors(one)).toEqual({ roundAt: null, initialAt: null });
    const both = [
      ...one,
      { folder: "sentitems", lastRoundAt: minutesAgo(3), initialCompletedAt: minutesAgo(8) },
    ];
    expect(rollUpCursors(both)).toEqual({ roundAt: minutesAgo(3), initialAt: minutesAgo(8) });
  });
});

import { describe, expect, it } from "vitest";
import { deriveAuthSecret } from "./auth.ts";

const key = (byte: number) => Buffer.alloc(32, byte);

describe("deriveAuthSecret", () => {
  it("is stable for a key, so sessions survive restarts and hold across processes", () => {
    expect(deriveAuthSecret([{ id: "k1", key: key(1) }])).toBe(deriveAuthSecret([{ id: "k1", key: key(1) }]));
  });

  it("follows the current (first) key and never returns the key itself", () => {
    const current = deriveAuthSecret([
      { id: "k2", key: key(2) },
      { id: "k1", key: key(1) },
    ]);
    expect(current).not.toBe(deriveAuthSecret([{ id: "k1", key: key(1) }]));
    expect(current).not.toContain(key(2).toString("base64url"));
    expect(current.length).toBeGreaterThanOrEqual(32);
  });
});

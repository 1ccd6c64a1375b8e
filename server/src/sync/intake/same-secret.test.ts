import { describe, expect, it } from "vitest";
import { sameSecret } from "./same-secret.ts";

describe("comparing a notification's clientState", () => {
  it("accepts the same secret and refuses any other", () => {
    const secret = "n2VxQ7b1kR6sYt0pLw4cZg8mHf3jDa5u";
    expect(sameSecret(secret, secret)).toBe(true);
    expect(sameSecret(secret, `${secret.slice(0, -1)}v`)).toBe(false);
    expect(sameSecret(secret, secret.slice(1))).toBe(false);
    expect(sameSecret(secret, "")).toBe(false);
  });

  it("compares characters, not their look-alikes", () => {
    expect(sameSecret("café", "cafe\u0301")).toBe(false);
    expect(sameSecret("ü", "ü")).toBe(true);
  });
});

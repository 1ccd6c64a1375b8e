import { describe, expect, it } from "vitest";
import { withoutTokens } from "./auth-proxy.ts";

describe("withoutTokens", () => {
  it("drops the session token from sign-in and get-session bodies", () => {
    expect(withoutTokens({ token: "t", redirect: false, user: { id: "u" } })).toEqual({
      redirect: false,
      user: { id: "u" },
    });
    expect(withoutTokens({ session: { id: "s", token: "t" }, user: { id: "u" } })).toEqual({
      session: { id: "s" },
      user: { id: "u" },
    });
  });

  it("leaves other bodies alone", () => {
    expect(withoutTokens(null)).toBeNull();
    expect(withoutTokens({ status: true })).toEqual({ status: true });
  });
});

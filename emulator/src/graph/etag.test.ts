import { describe, expect, it } from "vitest";
import { etagMatches } from "./etag.ts";

describe("etagMatches", () => {
  it("admits the weak etag Graph hands out, its bare change key, * and a list naming it", () => {
    expect(etagMatches('W/"CQAAABYAAAD1"', "CQAAABYAAAD1")).toBe(true);
    expect(etagMatches('"CQAAABYAAAD1"', "CQAAABYAAAD1")).toBe(true);
    expect(etagMatches("*", "CQAAABYAAAD1")).toBe(true);
    expect(etagMatches('W/"old", W/"CQAAABYAAAD1"', "CQAAABYAAAD1")).toBe(true);
    expect(etagMatches(undefined, "CQAAABYAAAD1")).toBe(true);
  });

  it("refuses an etag of an earlier version", () => {
    expect(etagMatches('W/"CQAAABYAAAD0"', "CQAAABYAAAD1")).toBe(false);
  });
});

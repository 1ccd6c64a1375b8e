import { describe, expect, it } from "vitest";
import { slugify } from "./slug.ts";

describe("slugify", () => {
  it("keeps lowercase ASCII letters and digits, joined by single dashes", () => {
    expect(slugify("Acme Café & Co.")).toBe("acme-cafe-co");
    expect(slugify("  Support -- Team 2 ")).toBe("support-team-2");
  });

  it("caps the length without leaving a trailing dash", () => {
    const slug = slugify(`${"a".repeat(39)} b`);
    expect(slug).toBe("a".repeat(39));
  });

  it("falls back when nothing usable is left", () => {
    expect(slugify("日本語")).toBe("org");
    expect(slugify("!!!")).toBe("org");
  });
});

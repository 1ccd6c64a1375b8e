import { describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { assertStorable, findUnstorable, MAX_INPUT_DEPTH } from "./storable-input.ts";

const nested = (depth: number) => JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`) as unknown;

describe("findUnstorable", () => {
  it("accepts ordinary JSON, emoji (surrogate pairs) included", () => {
    expect(
      findUnstorable({ name: "Acme 🚀", tags: ["a", "b"], n: 1.5, ok: true, none: null }),
    ).toBeUndefined();
    expect(findUnstorable(nested(MAX_INPUT_DEPTH))).toBeUndefined();
  });

  it("names the field that holds a NUL character", () => {
    expect(findUnstorable({ value: [{ subscriptionId: "a\u0000b" }] })).toEqual({
      path: "value.0.subscriptionId",
      reason: "nul",
    });
  });

  it("finds lone surrogates, high or low, and in field names", () => {
    expect(findUnstorable({ name: "x\uD800" })).toEqual({ path: "name", reason: "surrogate" });
    expect(findUnstorable({ name: "\uDFFFx" })).toEqual({ path: "name", reason: "surrogate" });
    expect(findUnstorable({ a: { "\uD800": 1 } })).toEqual({ path: "a", reason: "surrogate" });
  });

  it("refuses numbers JSON.parse made infinite", () => {
    expect(findUnstorable(JSON.parse('{"days":1e400}'))).toEqual({ path: "days", reason: "number" });
  });

  it("refuses deep nesting without overflowing the stack itself", () => {
    expect(findUnstorable(nested(MAX_INPUT_DEPTH + 1))?.reason).toBe("depth");
    expect(findUnstorable(nested(100_000))?.reason).toBe("depth");
  });

  it("reports the first problem in document order", () => {
    expect(findUnstorable({ a: "\u0000", b: "\uD800" })).toEqual({ path: "a", reason: "nul" });
  });
});

function refusal(value: unknown, where?: string): AppError {
  try {
    assertStorable(value, where);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("assertStorable", () => {
  it("throws a 400 naming the field", () => {
    const error = refusal({ name: "a\u0000" });
    expect(error).toMatchObject({ status: 400, code: "validation_failed" });
    expect(error.extra.fields).toEqual([
      { field: "name", message: "Contains a NUL character (\\u0000), which can't be stored" },
    ]);
  });

  it("names the value itself when the problem has no path", () => {
    expect(refusal("\u0000", "query").extra.fields?.[0]?.field).toBe("query");
  });

  it("lets storable input through", () => {
    expect(() => assertStorable({ name: "Acme" })).not.toThrow();
  });
});

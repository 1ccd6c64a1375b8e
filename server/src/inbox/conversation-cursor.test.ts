import { describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { decodeCursor, encodeCursor } from "./conversation-cursor.ts";

const position = { at: "2026-12-01 12:00:00.123+00", id: "0b7e7c5e-2f4a-4c36-9b8e-6a8f1d2c3b4a" };

describe("the conversation list's page link", () => {
  it("gives back the position it was made from", () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it("is opaque to the browser: no timestamp or id in clear", () => {
    const link = encodeCursor(position);
    expect(link).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(link).not.toContain(position.id);
  });

  it.each([
    ["not base64 JSON", "%%%"],
    ["an object", Buffer.from(JSON.stringify({ at: position.at, id: position.id })).toString("base64url")],
    ["a bad id", Buffer.from(JSON.stringify([position.at, "1; drop table"])).toString("base64url")],
    ["a bad time", Buffer.from(JSON.stringify(["yesterday-ish", position.id])).toString("base64url")],
  ])("refuses %s with a 400 that says to reload", (_what, link) => {
    const thrown = (() => {
      try {
        decodeCursor(link);
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      code: "validation_failed",
      status: 400,
      message: expect.stringMatching(/reload/),
    });
  });
});

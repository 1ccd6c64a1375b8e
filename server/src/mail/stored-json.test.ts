import { describe, expect, it } from "vitest";
import { readAddresses, readAttachments, readCategories } from "./stored-json.ts";

describe("reading a message's jsonb columns back", () => {
  it("keeps well-formed recipients and drops the rest", () => {
    expect(
      readAddresses([
        { name: "Adele Vance", address: "adelev@contoso.com" },
        { address: "alexw@contoso.com" },
        { name: "no address" },
        "not an object",
      ]),
    ).toEqual([
      { name: "Adele Vance", address: "adelev@contoso.com" },
      { name: null, address: "alexw@contoso.com" },
    ]);
  });

  it("reads jsonb that came back as text, and nothing from what isn't a list", () => {
    expect(readAddresses('[{"name":null,"address":"a@b.c"}]')).toEqual([{ name: null, address: "a@b.c" }]);
    expect(readAddresses("{not json")).toEqual([]);
    expect(readAddresses({ address: "a@b.c" })).toEqual([]);
    expect(readAddresses(null)).toEqual([]);
  });

  it("keeps an unknown attachment list unknown, and a known one typed", () => {
    expect(readAttachments(null)).toBeNull();
    const file = {
      id: "AAMkAD=",
      name: "report.pdf",
      contentType: "application/pdf",
      size: 1234,
      isInline: false,
      contentId: null,
    };
    expect(readAttachments([file, { id: "x", size: "big" }])).toEqual([file]);
  });

  it("keeps categories that are strings", () => {
    expect(readCategories(["Blue category", 7, null])).toEqual(["Blue category"]);
    expect(readCategories(undefined)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import type { AttachmentInfo } from "../../mail/stored-json.ts";
import { attachmentKey } from "../conversation-store.ts";
import { chooseInlineImages, TOO_LARGE_PLACEHOLDER, UNAVAILABLE_PLACEHOLDER } from "./inline-images.ts";

const info = (id: string, size: number): AttachmentInfo => ({
  id,
  name: `${id}.png`,
  contentType: "image/png",
  size,
  isInline: true,
  contentId: `${id}@x`,
});
const row = (id: string, size: number) => ({
  attachmentKey: attachmentKey(id),
  contentType: "image/png",
  size,
  content: Buffer.alloc(size, 7),
});

describe("inline image budget", () => {
  const caps = { image: 100, document: 150 };

  it("inlines in document order until the document's budget is spent, then shows placeholders", () => {
    const byCid = new Map([
      ["a@x", info("a", 80)],
      ["b@x", info("b", 80)],
      ["c@x", info("c", 60)],
    ]);
    const uris = chooseInlineImages(
      ["a@x", "b@x", "c@x"],
      byCid,
      [row("a", 80), row("b", 80), row("c", 60)],
      caps,
    );
    expect(uris.get("a@x")).toBe(`data:image/png;base64,${Buffer.alloc(80, 7).toString("base64")}`);
    expect(uris.get("b@x")).toBe(TOO_LARGE_PLACEHOLDER);
    // A later, smaller image still fits what is left.
    expect(uris.get("c@x")).toMatch(/^data:image\/png;base64,/);
  });

  it("never inlines an image over the single-image cap, and says when one is unavailable", () => {
    const byCid = new Map([
      ["big@x", info("big", 101)],
      ["gone@x", info("gone", 10)],
    ]);
    const uris = chooseInlineImages(["big@x", "gone@x", "unknown@x"], byCid, [], caps);
    expect(uris.get("big@x")).toBe(TOO_LARGE_PLACEHOLDER);
    expect(uris.get("gone@x")).toBe(UNAVAILABLE_PLACEHOLDER);
    expect(uris.get("unknown@x")).toBe(UNAVAILABLE_PLACEHOLDER);
  });
});

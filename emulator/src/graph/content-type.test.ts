import { describe, expect, it } from "vitest";
import { sniffContentType } from "./content-type.ts";

describe("sniffContentType", () => {
  it("reads the message-post-attachments example's bytes as a GIF", () => {
    expect(sniffContentType("R0lGODdhEAYEAA7")).toBe("image/gif");
  });

  it("recognises PNG, JPEG and PDF, and falls back to application/octet-stream", () => {
    const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");
    expect(sniffContentType(b64("89504e470d0a1a0a"))).toBe("image/png");
    expect(sniffContentType(b64("ffd8ffe000104a46"))).toBe("image/jpeg");
    expect(sniffContentType(Buffer.from("%PDF-1.7").toString("base64"))).toBe("application/pdf");
    expect(sniffContentType(Buffer.from("hello").toString("base64"))).toBe("application/octet-stream");
  });
});

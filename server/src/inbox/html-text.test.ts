import { describe, expect, it } from "vitest";
import { contentDisposition, safeContentType } from "./attachment-routes.ts";
import { htmlToText } from "./html-text.ts";

describe("htmlToText", () => {
  it("keeps the words and the line structure, drops what is not content", () => {
    const html = `<html><head><title>t</title><style>p { color: red }</style></head>
      <body><!-- hidden --><p>Hello&nbsp;Dana,</p>
      <p>Your order
         #1042 ships <b>today</b>.<br>Tracking: <a href="https://x.test">x.test</a></p>
      <ul><li>Lamp</li><li>Shade</li></ul><script>alert(1)</script>
      <p>&lt;3 &amp; thanks &#8212; &#x1F600;</p></body></html>`;
    expect(htmlToText(html)).toBe(
      "Hello Dana,\n\nYour order #1042 ships today.\nTracking: x.test\n\n• Lamp\n• Shade\n\n<3 & thanks — 😀",
    );
  });

  it("leaves no markup behind when an attribute holds a >", () => {
    expect(htmlToText(`<p><a title="a>b" href="https://x.test">Track "it"</a></p><img alt="x>y">`)).toBe(
      'Track "it"',
    );
  });

  it("leaves unknown entities and plain text alone", () => {
    expect(htmlToText("a &bogus; b")).toBe("a &bogus; b");
    expect(htmlToText("")).toBe("");
  });
});

describe("attachment download headers", () => {
  it("passes on only types that can't run script from our origin", () => {
    expect(safeContentType("application/pdf")).toBe("application/pdf");
    expect(safeContentType("IMAGE/PNG; name=x.png")).toBe("image/png");
    expect(safeContentType("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    for (const risky of ["text/html", "image/svg+xml", "application/xhtml+xml", "text/javascript", "", null])
      expect(safeContentType(risky)).toBe("application/octet-stream");
  });

  it("names the file without letting the name break the header or a path", () => {
    expect(contentDisposition('a"b;\r\nc/..\\d.pdf')).toBe(
      `attachment; filename="a_b___c_.._d.pdf"; filename*=UTF-8''a%22b%3B__c_.._d.pdf`,
    );
    expect(contentDisposition("...")).toBe(`attachment; filename="attachment"; filename*=UTF-8''attachment`);
  });
});

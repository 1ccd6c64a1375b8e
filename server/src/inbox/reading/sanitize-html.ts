import DOMPurify, { type Config } from "dompurify";
import { JSDOM } from "jsdom";
import { rewriteCss } from "./css-urls.ts";
import { collapseQuotedHistory } from "./quoted-history.ts";

/**
 * Inbound email HTML, made safe to show: DOMPurify over one shared jsdom window (ADR 016), then
 * our own pass for what DOMPurify leaves to the application — remote images (blocked unless
 * allowed), `cid:` images (inlined as data: URIs), CSS urls and hooks, links (new tab, no
 * referrer) and the quoted history. The frame's CSP (body-document.ts) is the second wall: even
 * something this misses can't run or load.
 */

const purify = DOMPurify(new JSDOM("").window as unknown as Parameters<typeof DOMPurify>[0]);

const PURIFY_CONFIG = {
  WHOLE_DOCUMENT: true,
  RETURN_DOM: true,
  // HTML only: no SVG or MathML (script and link carriers, and nothing mail needs).
  USE_PROFILES: { html: true },
  // DOMPurify's own rule minus the schemes mail has no use for (ftp, callto, sms, xmpp, matrix):
  // a scheme must be one of these; values without one pass (sizes, colours, relative paths, which
  // the pass below drops from links and images, as they would point at our origin).
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|tel|cid):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
  // Table and cell backgrounds: remote images like any other (blocked or allowed below).
  ADD_ATTR: ["background"],
  FORBID_TAGS: [
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "option",
    "meta",
    "base",
    "link",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "audio",
    "video",
    "source",
    "track",
    "picture",
    "dialog",
    "template",
    "noscript",
  ],
  FORBID_ATTR: ["ping", "formaction", "action", "poster"],
} satisfies Config;

/** A sanitized message, ready for `renderEmail`; its `cid:` references can be resolved first. */
export interface ParsedEmail {
  root: Element;
  /** Content-ids (lowercase, without <>) that images and CSS refer to. */
  cids: string[];
}

export interface RenderOptions {
  remoteImages: boolean;
  showQuoted: boolean;
  /** The data: URI of an inline image, or null when it can't be shown. */
  inlineImage(cid: string): string | null;
}

export interface RenderedEmail {
  /** `<style>` elements for the document's head (already made inert). */
  styles: string;
  body: string;
  remoteImages: number;
  hasQuoted: boolean;
  /** No text and no image in what is shown. */
  empty: boolean;
  heightHint: number;
  /** The same with the quoted history shown. */
  fullHeightHint: number;
}

const CID_IN_CSS = /url\(\s*["']?\s*cid:([^)"'\s]+)/gi;

export function normalizeCid(value: string): string {
  let cid = value.trim().replace(/^cid:/i, "");
  try {
    cid = decodeURIComponent(cid);
  } catch {
    // Keep it as written.
  }
  return cid.replace(/^<|>$/g, "").toLowerCase();
}

export function parseEmail(html: string): ParsedEmail {
  const root = purify.sanitize(html, PURIFY_CONFIG) as unknown as Element;
  const cids = new Set<string>();
  for (const img of root.querySelectorAll("img[src]")) {
    const src = img.getAttribute("src")!;
    if (/^\s*cid:/i.test(src)) cids.add(normalizeCid(src));
  }
  const css = [...root.querySelectorAll("style, [style]")].map((el) =>
    el.tagName === "STYLE" ? (el.textContent ?? "") : (el.getAttribute("style") ?? ""),
  );
  for (const text of css) for (const m of text.matchAll(CID_IN_CSS)) cids.add(normalizeCid(m[1]!));
  return { root, cids: [...cids] };
}

const isRemote = (url: string) => /^\s*(?:https?:)?\/\//i.test(url);
const toHttps = (url: string) => url.trim().replace(/^(?:https?:)?\/\//i, "https://");
const LINK = /^\s*(?:https?|mailto|tel):/i;
const SAFE_DATA_IMAGE = /^\s*data:image\/(?:png|jpe?g|gif|webp|bmp|avif|svg\+xml)[;,]/i;

/** One image URL: kept, rewritten or dropped (null), counting the remote ones. */
function imageResolver(options: RenderOptions, remote: Set<string>) {
  return (url: string): string | null => {
    if (SAFE_DATA_IMAGE.test(url)) return url;
    if (/^\s*cid:/i.test(url)) return options.inlineImage(normalizeCid(url));
    if (isRemote(url)) {
      remote.add(toHttps(url));
      return options.remoteImages ? toHttps(url) : null;
    }
    return null;
  };
}

function rewriteElements(root: Element, resolve: (url: string) => string | null): void {
  for (const img of root.querySelectorAll("img")) {
    img.removeAttribute("srcset");
    const src = img.getAttribute("src");
    const kept = src === null ? null : resolve(src);
    if (kept === null) img.removeAttribute("src");
    else img.setAttribute("src", kept);
  }
  for (const el of root.querySelectorAll("[background]")) {
    const kept = resolve(el.getAttribute("background")!);
    if (kept === null) el.removeAttribute("background");
    else el.setAttribute("background", kept);
  }
  for (const el of root.querySelectorAll("[style]")) {
    el.setAttribute("style", rewriteCss(el.getAttribute("style")!, resolve));
  }
  for (const link of root.querySelectorAll("a[href], area[href]")) {
    if (!LINK.test(link.getAttribute("href")!)) link.removeAttribute("href");
    link.setAttribute("target", "_blank");
    link.setAttribute("rel", "noopener noreferrer");
  }
}

/**
 * Rough rendered height in CSS pixels at the thread's width (~90 characters a line of 21 px): the
 * frame has no script to measure itself (ADR 017). Generous on purpose: a frame a little too tall
 * costs white space, one too short hides the end of the message behind an inner scroll.
 */
function estimateHeight(body: Element): number {
  const text = (body.textContent ?? "").replace(/\s+/g, " ").trim().length;
  const blocks = body.querySelectorAll("br, p, div, li, tr, blockquote, pre, hr, table").length;
  const headings = body.querySelectorAll("h1, h2, h3, h4, h5, h6").length;
  let images = 0;
  for (const img of body.querySelectorAll("img[src]")) {
    const h = Number(img.getAttribute("height"));
    images += Number.isFinite(h) && h > 0 ? Math.min(h, 800) + 4 : 160;
  }
  return Math.round(Math.min(20_000, 32 + Math.ceil(text / 90) * 21 + blocks * 21 + headings * 56 + images));
}

export function renderEmail(parsed: ParsedEmail, options: RenderOptions): RenderedEmail {
  const root = parsed.root;
  const remote = new Set<string>();
  const resolve = imageResolver(options, remote);
  const styles = [...root.querySelectorAll("style")].map((style) => {
    const css = rewriteCss(style.textContent ?? "", resolve);
    style.remove();
    return `<style>${css}</style>`;
  });
  const body = root.querySelector("body") ?? root;
  const fullHeightHint = estimateHeight(body);
  // Hidden history first, so its images are neither counted nor inlined.
  const hasQuoted = collapseQuotedHistory(body, !options.showQuoted);
  rewriteElements(body, resolve);
  return {
    styles: styles.join(""),
    body: body.innerHTML,
    remoteImages: remote.size,
    hasQuoted,
    empty: !body.textContent?.trim() && body.querySelector("img[src]") === null,
    heightHint: estimateHeight(body),
    fullHeightHint,
  };
}

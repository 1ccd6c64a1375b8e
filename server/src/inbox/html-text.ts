import { parseEmail } from "./reading/sanitize-html.ts";

/**
 * A plain-text reading of an HTML mail body (the API's `text`; the thread shows the real HTML,
 * ADR 017). Read from the sanitized DOM, not with patterns over the markup, so an attribute
 * holding `>` can't leave a stray `">` behind: what is not content (head, style) is skipped, block
 * ends become line breaks, list items bullets, table cells tabs; the DOM decoded every entity.
 */

const SKIP = new Set(["HEAD", "STYLE", "SCRIPT", "TITLE", "TEMPLATE", "NOSCRIPT"]);
const BLOCK = new Set([
  "P",
  "DIV",
  "H1",
  "H2",
  "H3",
  "H4",
  "H5",
  "H6",
  "TR",
  "BLOCKQUOTE",
  "PRE",
  "TABLE",
  "UL",
  "OL",
  "SECTION",
  "ARTICLE",
  "HEADER",
  "FOOTER",
  "HR",
]);

function walk(node: Node, out: string[], pre: boolean): void {
  for (const child of node.childNodes) {
    if (child.nodeType === 3) {
      const text = (child as Text).data;
      out.push(pre ? text : text.replace(/[\r\n]+/g, " "));
      continue;
    }
    if (child.nodeType !== 1) continue;
    const tag = (child as Element).tagName;
    if (SKIP.has(tag)) continue;
    if (tag === "BR") {
      out.push("\n");
      continue;
    }
    if (tag === "LI") out.push("\n• ");
    if (BLOCK.has(tag)) out.push("\n");
    walk(child, out, pre || tag === "PRE");
    if (BLOCK.has(tag)) out.push("\n");
    if (tag === "TD" || tag === "TH") out.push("\t");
  }
}

export function htmlToText(html: string): string {
  if (!html.trim()) return "";
  const root = parseEmail(html).root;
  const out: string[] = [];
  walk(root.querySelector("body") ?? root, out, false);
  return collapse(out.join(""));
}

/** Runs of spaces become one; more than one blank line becomes one. */
function collapse(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * A plain-text reading of an HTML mail body, made on the server so the browser only ever renders
 * text (React escapes it). Not a sanitizer and never used to produce HTML: it drops what is not
 * content (head, style, script, comments), turns block ends into line breaks, strips every tag
 * and decodes entities. The full HTML reading view (sandboxed) is a later issue.
 */

const DROP_BLOCKS = /<(head|style|script|title|xml|template|noscript)\b[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?-->/g;
const LINE_BREAK = /<br\s*\/?>/gi;
const BLOCK_END = /<\/(p|div|h[1-6]|tr|blockquote|pre|table|ul|ol|section|article|header|footer)\s*>/gi;
const BLOCK_START = /<(p|div|h[1-6]|blockquote|pre|table|ul|ol|hr)\b[^>]*>/gi;
const LIST_ITEM = /<li\b[^>]*>/gi;
const CELL_END = /<\/t[dh]\s*>/gi;
const TAG = /<\/?[a-z!][^>]*>/gi;

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  bull: "•",
  middot: "·",
  euro: "€",
  pound: "£",
  laquo: "«",
  raquo: "»",
  zwnj: "",
  zwj: "",
};

export function htmlToText(html: string): string {
  const text = html
    .replace(COMMENTS, "")
    .replace(DROP_BLOCKS, "")
    // Source line breaks are whitespace in HTML; only the ones made from tags below count.
    .replace(/[\r\n]+/g, " ")
    .replace(LINE_BREAK, "\n")
    .replace(CELL_END, "\t")
    .replace(LIST_ITEM, "\n• ")
    .replace(BLOCK_END, "\n")
    .replace(BLOCK_START, "\n")
    .replace(TAG, "");
  return decodeEntities(collapse(text));
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

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity[0] === "#") {
      const code =
        entity[1] === "x" || entity[1] === "X"
          ? Number.parseInt(entity.slice(2), 16)
          : Number.parseInt(entity.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[entity.toLowerCase()] ?? whole;
  });
}

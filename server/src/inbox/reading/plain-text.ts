/**
 * A text/plain body as HTML for the reading frame: every character escaped, web addresses made
 * links (the sanitizer then gives them target=_blank), the quoted tail (`> ` lines, "On … wrote:",
 * "-----Original Message-----") wrapped in a blockquote the quoted-history rule finds.
 */

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const QUOTE_HEADER = /^(On .{4,200} wrote:|-{2,}\s*Original Message\s*-{2,}|_{10,})\s*$/i;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function linkify(line: string): string {
  let out = "";
  let last = 0;
  for (const match of line.matchAll(URL_IN_TEXT)) {
    // Sentence punctuation after an address is not part of it.
    const url = match[0].replace(/[.,;:!?)\]]+$/, "");
    out += `${escapeHtml(line.slice(last, match.index))}<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return out + escapeHtml(line.slice(last));
}

/** Index of the first line of the quoted tail, or -1. */
function quotedTail(lines: string[]): number {
  const header = lines.findIndex((l) => QUOTE_HEADER.test(l.trim()));
  if (header > 0) return header;
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line.startsWith(">")) start = i;
    else if (line) break;
  }
  return start > 0 ? start : -1;
}

export function plainTextToHtml(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const tail = quotedTail(lines);
  const html = (part: string[]) => part.map(linkify).join("<br>");
  const own = tail === -1 ? lines : lines.slice(0, tail);
  const quoted = tail === -1 ? "" : `<blockquote type="cite">${html(lines.slice(tail))}</blockquote>`;
  return `<div class="mr-plain">${html(own)}${quoted}</div>`;
}

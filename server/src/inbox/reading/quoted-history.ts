/**
 * Quoted history: the earlier mail a reply carries below its own text. Each client marks it its
 * own way; the first marker in document order starts the tail, which runs to the end of the body.
 * Outlook: `#appendonsend` / `#divRplyFwdMsg` (web and desktop), the new Outlook's reference
 * container, desktop's `OutlookMessageHeader` and its grey-bordered header box; Gmail: `.gmail_quote`; Apple Mail:
 * `blockquote[type=cite]`; anything else: a `blockquote` with nothing but blank space after it.
 */

const MARKERS = [
  "#appendonsend",
  "#divRplyFwdMsg",
  "#mail-editor-reference-message-container",
  "div.OutlookMessageHeader",
  // Classic Outlook desktop: the reply header box, a thin top border in one of two greys.
  'div[style*="border-top:solid #E1E1E1" i]',
  'div[style*="border-top:solid #B5C4DF" i]',
  ".gmail_quote",
  "blockquote[type='cite']",
].join(",");

function hasContentAfter(node: Node, body: Element): boolean {
  for (let at: Node | null = node; at && at !== body; at = at.parentNode) {
    for (let next = at.nextSibling; next; next = next.nextSibling) {
      if ((next.textContent ?? "").trim()) return true;
      if (next.nodeType === 1 && (next as Element).querySelector("img")) return true;
    }
  }
  return false;
}

function findMarker(body: Element): Element | null {
  const marked = body.querySelector(MARKERS);
  if (marked) return marked;
  for (const quote of body.querySelectorAll("blockquote")) if (!hasContentAfter(quote, body)) return quote;
  return null;
}

/** Removes the marker and everything after it, up to the end of the body. */
function cutFrom(marker: Element, body: Element): void {
  for (let at: Node = marker; at !== body && at.parentNode; at = at.parentNode) {
    while (at.nextSibling) at.nextSibling.remove();
  }
  // An Outlook separator line (`<hr>`) right before the header goes with it.
  const before = marker.previousElementSibling;
  marker.remove();
  if (before?.tagName === "HR" && !before.nextSibling) before.remove();
}

const hasContent = (body: Element) => Boolean(body.textContent?.trim()) || body.querySelector("img") !== null;

/**
 * Whether the body ends in quoted history (with some text of its own before it), and when
 * `hide` is set, the body without it. A message that is all quote (a bare forward) is shown whole.
 */
export function collapseQuotedHistory(body: Element, hide: boolean): boolean {
  // Most mail has no marker: only then is the body copied (a big newsletter costs to clone).
  if (!findMarker(body)) return false;
  const trial = body.cloneNode(true) as Element;
  const marker = findMarker(trial);
  if (!marker) return false;
  cutFrom(marker, trial);
  if (!hasContent(trial)) return false;
  if (hide) body.replaceChildren(...trial.childNodes);
  return true;
}

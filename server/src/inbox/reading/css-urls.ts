/**
 * Email CSS (style attributes and <style> elements) made inert before it reaches the frame. The
 * frame's CSP is what guarantees no remote load; this keeps the count of blocked images honest and
 * leaves nothing that would load once images are allowed but shouldn't (imports, bindings).
 *
 * CSS escapes are decoded first (`\75 rl(` is `url(`), comments dropped, then: `@import` and
 * IE/Firefox script hooks (`expression(`, `behavior:`, `-moz-binding`) and `image-set(` (whose
 * plain strings are URLs) are renamed into invalid CSS, which browsers skip, and quoted absolute
 * addresses outside `url()` emptied; every `url(…)` is passed to `resolve`, and replaced by `none`
 * when it answers null.
 */

const ESCAPE = /\\(?:([0-9a-f]{1,6})[ \t\n\r\f]?|([^\n0-9a-f]))/gi;
const COMMENT = /\/\*[\s\S]*?(?:\*\/|$)/g;
const URL_FUNCTION = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)/gi;
/** A quoted absolute address outside url(…): what image-set and @import strings load. */
const REMOTE_STRING = /(?<!url\(\s*)(["'])\s*(?:[a-z][\w+.-]*:)?\/\/[^"']*\1/gi;
/** `@import` statements go whole, so their address is neither loaded nor counted as an image. */
const IMPORT = /@import\b[^;]*;?/gi;
const HOOKS =
  /@import\b|\b(?:-webkit-)?image-set\s*\(|\bexpression\s*\(|\bbehavior\s*:|-moz-binding\s*:|\bjavascript\s*:/gi;

function unescapeCss(css: string): string {
  return css.replace(ESCAPE, (_, hex: string | undefined, char: string | undefined) => {
    if (char !== undefined) return char;
    const code = Number.parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : "\ufffd";
  });
}

/** `resolve(url)` answers the URL to keep (possibly rewritten) or null to drop it. */
export function rewriteCss(css: string, resolve: (url: string) => string | null): string {
  const plain = unescapeCss(css).replace(COMMENT, "");
  const inert = plain
    .replace(IMPORT, "")
    .replace(HOOKS, (hook) => (hook.startsWith("@") ? "@x-blocked" : `x-blocked${hook.at(-1)}`))
    .replace(REMOTE_STRING, '""');
  const rewritten = inert.replace(URL_FUNCTION, (_, dq?: string, sq?: string, bare?: string) => {
    const kept = resolve((dq ?? sq ?? bare ?? "").trim());
    return kept === null
      ? "none"
      : `url("${kept.replace(/["\\\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`;
  });
  // Decoded text may now hold `</style>`: escape every `<` so it can never close the element.
  return rewritten.replace(/</g, "\\3c ");
}

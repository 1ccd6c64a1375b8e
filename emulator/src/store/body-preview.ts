/**
 * Graph's bodyPreview: "The first 255 characters of the message body, in text format."
 * https://learn.microsoft.com/graph/api/resources/message (bodyPreview)
 */
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Plain text of an HTML body, good enough for previews and text/plain renderings. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(head|style|script)\b[\s\S]*?<\/\1>/gi, " ")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, "\n")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (entity, name: string) => decodeEntity(name) ?? entity);
}

export function bodyPreview(body: { contentType: "text" | "html"; content: string }): string {
  const text = body.contentType === "html" ? htmlToText(body.content) : body.content;
  return text.replace(/\s+/g, " ").trim().slice(0, 255);
}

function decodeEntity(name: string): string | undefined {
  if (name.startsWith("#x") || name.startsWith("#X"))
    return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
  if (name.startsWith("#")) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
  return ENTITIES[name.toLowerCase()];
}

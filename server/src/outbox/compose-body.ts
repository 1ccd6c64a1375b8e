/**
 * The reply's body as Outlook writes it: the agent's text above the quoted history Exchange put in
 * the draft (createReply / createForward), inside the same HTML document.
 */

/** The draft's body as HTML (a text body is escaped into a pre block). */
export function quotedPart(
  body: { contentType?: string | null; content?: string | null } | null | undefined,
) {
  const content = body?.content ?? "";
  if (body?.contentType?.toLowerCase() === "html") return content;
  return content ? `<pre>${escapeHtml(content)}</pre>` : "";
}

/** `ours` inserted at the top of the quoted document's body, or simply before the quoted part. */
export function composeBody(ours: string, quoted: string): string {
  if (!quoted) return ours;
  const bodyTag = /<body\b[^>]*>/i.exec(quoted);
  if (!bodyTag) return `${ours}${quoted}`;
  const at = bodyTag.index + bodyTag[0].length;
  return `${quoted.slice(0, at)}${ours}${quoted.slice(at)}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

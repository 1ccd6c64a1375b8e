/**
 * The draft Exchange builds for createReply / createReplyAll / createForward: "RE: " / "FW: "
 * subject, recipients from the original (Reply-To, else From; reply-all adds To and Cc minus the
 * mailbox's own addresses), the original quoted below a header block, and In-Reply-To/References
 * kept on the draft (hidden until sent). Forwards carry the original's attachments.
 * https://learn.microsoft.com/graph/api/message-createreply, …/message-createreplyall, …/message-createforward
 */
import type { Recipient } from "@microsoft/microsoft-graph-types";
import { formatAddress, headerValue } from "../store/message-headers.ts";
import type { MessageInput } from "../store/messages.ts";
import { smtpAddresses } from "../store/store.ts";
import type { Mailbox, StoredMessage } from "../store/types.ts";

export type ReplyKind = "reply" | "replyAll" | "forward";

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const addressOf = (recipient: Recipient) => recipient.emailAddress?.address?.toLowerCase() ?? "";

function withPrefix(prefix: "RE" | "FW", subject: string): string {
  return new RegExp(`^${prefix}:`, "i").test(subject.trim()) ? subject : `${prefix}: ${subject}`;
}

/** The parent's References plus its Message-ID: the new message's References (RFC 5322 §3.6.4). */
export function replyThreading(parent: StoredMessage): { inReplyTo: string; references: string[] } {
  const references = (headerValue(parent.internetMessageHeaders, "References") ?? "")
    .split(/\s+/)
    .filter(Boolean);
  return { inReplyTo: parent.internetMessageId, references: [...references, parent.internetMessageId] };
}

export function replyRecipients(mailbox: Mailbox, parent: StoredMessage, kind: ReplyKind) {
  if (kind === "forward") return { to: [] as Recipient[], cc: [] as Recipient[] };
  const own = new Set(smtpAddresses(mailbox));
  const fromSelf = parent.from !== null && own.has(addressOf(parent.from));
  const primary = fromSelf
    ? parent.toRecipients
    : parent.replyTo.length > 0
      ? parent.replyTo
      : parent.from
        ? [parent.from]
        : [];
  if (kind === "reply") return { to: primary, cc: [] as Recipient[] };
  const seen = new Set<string>();
  const keep = (recipient: Recipient) => {
    const address = addressOf(recipient);
    if (!address || own.has(address) || seen.has(address)) return false;
    seen.add(address);
    return true;
  };
  const to = [...primary, ...parent.toRecipients].filter(keep);
  const cc = parent.ccRecipients.filter(keep);
  return { to: to.length > 0 ? to : primary, cc };
}

function quotedBody(parent: StoredMessage, comment: string): string {
  const when = new Date(parent.sentDateTime).toUTCString();
  const list = (recipients: Recipient[]) => escapeHtml(recipients.map(formatAddress).join("; "));
  const original =
    parent.body.contentType === "html"
      ? (/<body[^>]*>([\s\S]*)<\/body>/i.exec(parent.body.content)?.[1] ?? parent.body.content)
      : `<div>${escapeHtml(parent.body.content).replace(/\r?\n/g, "<br>")}</div>`;
  const cc = parent.ccRecipients.length > 0 ? `<b>Cc:</b> ${list(parent.ccRecipients)}<br>` : "";
  return (
    `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>` +
    `<div>${escapeHtml(comment).replace(/\r?\n/g, "<br>")}</div>` +
    `<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr">` +
    `<font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">` +
    `<b>From:</b> ${escapeHtml(formatAddress(parent.from))}<br><b>Sent:</b> ${when}<br>` +
    `<b>To:</b> ${list(parent.toRecipients)}<br>${cc}<b>Subject:</b> ${escapeHtml(parent.subject)}</font>` +
    `<div>&nbsp;</div></div>${original}</body></html>`
  );
}

export function buildReplyDraft(
  mailbox: Mailbox,
  parent: StoredMessage,
  kind: ReplyKind,
  comment = "",
): MessageInput {
  const { to, cc } = replyRecipients(mailbox, parent, kind);
  const threading = replyThreading(parent);
  const me: Recipient = { emailAddress: { name: mailbox.displayName, address: mailbox.mail } };
  return {
    subject: withPrefix(kind === "forward" ? "FW" : "RE", parent.subject),
    body: { contentType: "html", content: quotedBody(parent, comment) },
    from: me,
    sender: me,
    toRecipients: to,
    ccRecipients: cc,
    isDraft: true,
    isRead: true,
    // Joins the parent's conversation now; the headers stay hidden on the draft (see message-view.ts).
    inReplyTo: threading.inReplyTo,
    references: threading.references,
    internetMessageHeaders: [
      { name: "In-Reply-To", value: threading.inReplyTo },
      { name: "References", value: threading.references.join(" ") },
    ],
    attachments:
      kind === "forward"
        ? parent.attachments.map(({ name, contentType, contentBytes, isInline, contentId }) => ({
            name,
            contentType,
            contentBytes,
            isInline,
            contentId,
          }))
        : [],
  };
}

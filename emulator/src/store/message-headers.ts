/**
 * The RFC 5322 headers Graph returns in `internetMessageHeaders` for a sent or received message.
 * Exchange adds many transport headers; we emit the ones clients read (threading, addressing).
 */
import type { InternetMessageHeader, Recipient } from "@microsoft/microsoft-graph-types";

export interface HeaderFacts {
  internetMessageId: string;
  inReplyTo: string | null;
  references: string[];
  subject: string;
  sentMs: number;
  from: Recipient | null;
  /** Written as a Sender header when it differs from `from` (sent on behalf of). */
  sender?: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  conversationIndex: string;
  contentType: "text" | "html";
  hasAttachments: boolean;
  /** Caller-supplied headers (Graph only accepts `x-` ones on send). */
  extra: InternetMessageHeader[];
}

export function buildInternetMessageHeaders(facts: HeaderFacts): InternetMessageHeader[] {
  const headers: InternetMessageHeader[] = [];
  add(headers, "From", formatAddress(facts.from));
  const sender = formatAddress(facts.sender);
  if (sender !== formatAddress(facts.from)) add(headers, "Sender", sender);
  add(headers, "To", facts.toRecipients.map(formatAddress).join(", "));
  add(headers, "CC", facts.ccRecipients.map(formatAddress).join(", "));
  add(headers, "Subject", facts.subject);
  add(headers, "Thread-Topic", stripSubjectPrefixes(facts.subject));
  add(headers, "Thread-Index", facts.conversationIndex);
  add(headers, "Date", new Date(facts.sentMs).toUTCString().replace("GMT", "+0000"));
  add(headers, "Message-ID", facts.internetMessageId);
  add(headers, "References", facts.references.join(" "));
  add(headers, "In-Reply-To", facts.inReplyTo);
  add(headers, "Content-Language", "en-US");
  add(
    headers,
    "Content-Type",
    facts.hasAttachments
      ? 'multipart/mixed; boundary="_004_emulator_"'
      : `${facts.contentType === "html" ? "text/html" : "text/plain"}; charset="utf-8"`,
  );
  add(headers, "MIME-Version", "1.0");
  headers.push(...facts.extra);
  return headers;
}

/** Appends a header when it has a value (a plain function: this runs for every message stored). */
function add(headers: InternetMessageHeader[], name: string, value: string | null | undefined): void {
  if (value) headers.push({ name, value });
}

/** `Name <address>` (quoted when the name has specials), or the bare address. */
export function formatAddress(recipient: Recipient | null | undefined): string {
  const address = recipient?.emailAddress?.address;
  if (!address) return "";
  const name = recipient?.emailAddress?.name;
  if (!name || name === address) return address;
  return /[",.;:<>@()[\]\\]/.test(name)
    ? `"${name.replace(/["\\]/g, "\\$&")}" <${address}>`
    : `${name} <${address}>`;
}

/** Thread-Topic is the subject without reply/forward prefixes (including Outlook's localised ones). */
export function stripSubjectPrefixes(subject: string): string {
  return subject.replace(/^(\s*(re|fw|fwd|aw|wg|tr|rv|sv|vs)\s*:\s*)+/i, "");
}

/** Reads a header value (case-insensitive name), e.g. to find `In-Reply-To` on inbound mail. */
export function headerValue(headers: InternetMessageHeader[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find((header) => header.name?.toLowerCase() === wanted)?.value ?? undefined;
}

import { z } from "zod";

/**
 * The jsonb columns of `messages`, read back through zod: the database hands them back as it
 * stored them, but nothing checks that what was stored then is what we read now (a hand edit, an
 * older writer). A list keeps its well-formed items and drops the rest, so one bad entry never
 * hides a message. node-postgres and PGlite both return jsonb parsed; a string is parsed too.
 */

/** A recipient as Graph gives it (`emailAddress`), flattened; the address kept as written. */
export interface MailAddress {
  name: string | null;
  address: string;
}

/** An attachment's metadata as Graph lists it (`$expand=attachments($select=…)`); content on demand. */
export interface AttachmentInfo {
  /** Graph's attachment id (for GET /messages/{id}/attachments/{attachmentId}/$value). */
  id: string;
  name: string;
  contentType: string | null;
  size: number;
  isInline: boolean;
  /** cid: for inline images. */
  contentId: string | null;
}

const mailAddress = z.object({ name: z.string().nullish(), address: z.string() });
const attachmentInfo = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string().nullable(),
  size: z.number(),
  isInline: z.boolean(),
  contentId: z.string().nullable(),
});

function listOf<T>(item: z.ZodType<T>, value: unknown): T[] | null {
  let list = value;
  if (typeof list === "string") {
    try {
      list = JSON.parse(list);
    } catch {
      return null;
    }
  }
  if (!Array.isArray(list)) return null;
  return list.flatMap((entry) => {
    const parsed = item.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Recipients (`to_recipients`, `cc_recipients`, `bcc_recipients`, `reply_to`). */
export function readAddresses(value: unknown): MailAddress[] {
  return (listOf(mailAddress, value) ?? []).map((a) => ({ name: a.name ?? null, address: a.address }));
}

/** The attachment list, or null while it is not known. */
export function readAttachments(value: unknown): AttachmentInfo[] | null {
  return value === null || value === undefined ? null : listOf(attachmentInfo, value);
}

export function readCategories(value: unknown): string[] {
  return listOf(z.string(), value) ?? [];
}

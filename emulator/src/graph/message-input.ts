/**
 * Message JSON from clients (POST /messages, PATCH, sendMail, reply's `message`), validated with zod
 * and turned into store inputs. Unknown properties are ignored; `internetMessageHeaders` accept only
 * `x-` headers, as Graph's send path does.
 * https://learn.microsoft.com/graph/api/message-update, https://learn.microsoft.com/graph/api/user-sendmail
 */
import type { Recipient } from "@microsoft/microsoft-graph-types";
import { z } from "zod";
import type { AttachmentInput, MessageInput, MessagePatch } from "../store/messages.ts";

const lower = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(values));

const RecipientSchema = z.object({
  emailAddress: z.object({ name: z.string().nullish(), address: z.string().min(1) }),
});
const Recipients = z.array(RecipientSchema);

export const FileAttachmentSchema = z.object({
  "@odata.type": z.string().optional(),
  name: z.string().min(1),
  contentType: z.string().nullish(),
  contentBytes: z.string(),
  isInline: z.boolean().nullish(),
  contentId: z.string().nullish(),
});

export const MessageJson = z.object({
  subject: z.string().nullish(),
  body: z.object({ contentType: lower(["text", "html"]), content: z.string() }).nullish(),
  from: RecipientSchema.nullish(),
  sender: RecipientSchema.nullish(),
  toRecipients: Recipients.nullish(),
  ccRecipients: Recipients.nullish(),
  bccRecipients: Recipients.nullish(),
  replyTo: Recipients.nullish(),
  importance: lower(["low", "normal", "high"]).nullish(),
  categories: z.array(z.string()).nullish(),
  isRead: z.boolean().nullish(),
  isDeliveryReceiptRequested: z.boolean().nullish(),
  isReadReceiptRequested: z.boolean().nullish(),
  inferenceClassification: lower(["focused", "other"]).nullish(),
  flag: z
    .object({ flagStatus: z.enum(["notFlagged", "complete", "flagged"]) })
    .loose()
    .nullish(),
  internetMessageHeaders: z.array(z.object({ name: z.string().min(1), value: z.string() })).nullish(),
  attachments: z.array(FileAttachmentSchema).nullish(),
});
export type MessageJson = z.infer<typeof MessageJson>;

/** Properties only a draft may change (message-update: "Updatable only if isDraft = true"). */
export const DRAFT_ONLY: readonly (keyof MessageJson)[] = [
  "subject",
  "body",
  "from",
  "sender",
  "toRecipients",
  "ccRecipients",
  "bccRecipients",
  "replyTo",
];

export class InputError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Sent as `Retry-After` (429s). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function parseMessageJson(body: unknown): MessageJson {
  const parsed = MessageJson.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      400,
      "ErrorInvalidRequest",
      `Invalid value for '${issue?.path.join(".") ?? "message"}'.`,
    );
  }
  const headers = parsed.data.internetMessageHeaders ?? [];
  for (const header of headers) {
    if (!header.name.toLowerCase().startsWith("x-"))
      throw new InputError(
        400,
        "InvalidInternetMessageHeader",
        `The internet message header name '${header.name}' should start with 'x-' or 'X-'.`,
      );
  }
  return parsed.data;
}

const recipients = (list: z.infer<typeof Recipients> | null | undefined): Recipient[] | undefined =>
  list?.map((r) => ({
    emailAddress: { name: r.emailAddress.name ?? r.emailAddress.address, address: r.emailAddress.address },
  }));
const recipient = (r: z.infer<typeof RecipientSchema> | null | undefined): Recipient | null | undefined =>
  r === undefined ? undefined : r === null ? null : recipients([r])![0];

export function attachmentInputs(json: MessageJson): AttachmentInput[] {
  return (json.attachments ?? []).map((a) => ({
    name: a.name,
    contentType: a.contentType ?? "application/octet-stream",
    contentBytes: a.contentBytes,
    isInline: a.isInline ?? false,
    contentId: a.contentId ?? null,
  }));
}

/** Fields present in the JSON, as a store patch (undefined = not sent). */
export function toPatch(json: MessageJson): MessagePatch {
  const patch: MessagePatch = {};
  if (json.subject !== undefined) patch.subject = json.subject ?? "";
  if (json.body) patch.body = { contentType: json.body.contentType, content: json.body.content };
  if (json.from !== undefined) patch.from = recipient(json.from) ?? null;
  if (json.sender !== undefined) patch.sender = recipient(json.sender) ?? null;
  if (json.toRecipients !== undefined) patch.toRecipients = recipients(json.toRecipients) ?? [];
  if (json.ccRecipients !== undefined) patch.ccRecipients = recipients(json.ccRecipients) ?? [];
  if (json.bccRecipients !== undefined) patch.bccRecipients = recipients(json.bccRecipients) ?? [];
  if (json.replyTo !== undefined) patch.replyTo = recipients(json.replyTo) ?? [];
  if (json.importance) patch.importance = json.importance;
  if (json.categories) patch.categories = json.categories;
  if (typeof json.isRead === "boolean") patch.isRead = json.isRead;
  if (json.inferenceClassification) patch.inferenceClassification = json.inferenceClassification;
  if (json.flag) patch.flag = json.flag;
  if (json.internetMessageHeaders) patch.internetMessageHeaders = json.internetMessageHeaders;
  return patch;
}

/** A new draft's store input. */
export function toDraftInput(json: MessageJson): MessageInput {
  const patch = toPatch(json);
  return {
    subject: patch.subject,
    body: patch.body,
    from: patch.from,
    sender: patch.sender,
    toRecipients: patch.toRecipients,
    ccRecipients: patch.ccRecipients,
    bccRecipients: patch.bccRecipients,
    replyTo: patch.replyTo,
    importance: patch.importance,
    categories: patch.categories,
    flag: patch.flag,
    isRead: true,
    isDraft: true,
    internetMessageHeaders: patch.internetMessageHeaders,
    attachments: attachmentInputs(json),
  };
}

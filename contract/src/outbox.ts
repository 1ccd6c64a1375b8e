import { z } from "zod";
import { message, person } from "./conversations.ts";
import { defineRoute } from "./route.ts";
import { isoDateTime, noContent } from "./scalars.ts";

/** Replying: the composer's context, the outbox (send, undo, retry) and who is on a conversation. */

export const OUTBOX_KINDS = ["reply", "replyAll", "forward", "new"] as const;
export const outboxKind = z.enum(OUTBOX_KINDS);
export type OutboxKind = z.infer<typeof outboxKind>;

export const outboxState = z.enum([
  "queued",
  "draft_created",
  "patched",
  "attachments_uploaded",
  "sent",
  "matched",
  "failed",
  "cancelled",
]);
export type OutboxState = z.infer<typeof outboxState>;

/** Microsoft's limits per message (Exchange Online), checked before anything is sent. */
export const MAX_RECIPIENTS = 500;
export const MAX_BODY_CHARS = 900_000;

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(\.[^\s@<>()[\]\\,;:".]+)+$/;

/** A recipient as typed into a chip: a checked address and an optional name. */
export const recipient = z.object({
  name: z.string().max(200).nullish(),
  address: z.string().trim().max(254).regex(EMAIL, "Not an email address"),
});
export type Recipient = z.infer<typeof recipient>;

const recipients = z.array(recipient).max(MAX_RECIPIENTS).default([]);

export const createOutboxBody = z
  .object({
    kind: outboxKind,
    /** The message answered or forwarded (ours); required unless kind is "new". */
    messageId: z.string().max(100).optional(),
    /** For a new email: the channel (mailbox) it goes from. */
    channelId: z.string().max(100).optional(),
    from: z.string().trim().max(254),
    to: recipients,
    cc: recipients,
    bcc: recipients,
    subject: z.string().max(998).optional(),
    html: z.string().max(MAX_BODY_CHARS),
    /** Files uploaded first (`createUpload`, then its ranges), complete. */
    attachments: z
      .array(z.object({ uploadId: z.string().max(100) }))
      .max(100)
      .default([]),
    /** The newest message of the conversation the agent had seen when writing. */
    lastSeenMessageId: z.string().max(100).optional(),
    /** The agent saw the newer message and sends anyway. */
    sendAnyway: z.boolean().optional(),
    /**
     * Chosen by the composer once per message: a Send repeated with the same key (a retry after a
     * lost answer, a second tab) is answered with the message the first one queued, not a second.
     */
    sendKey: z.string().uuid().optional(),
  })
  .refine((b) => b.kind === "new" || b.messageId, {
    message: "Which message is answered",
    path: ["messageId"],
  })
  .refine((b) => b.kind !== "new" || b.channelId, {
    message: "Which mailbox it goes from",
    path: ["channelId"],
  })
  .refine((b) => b.to.length + b.cc.length + b.bcc.length > 0, { message: "Add a recipient", path: ["to"] })
  .refine((b) => b.to.length + b.cc.length + b.bcc.length <= MAX_RECIPIENTS, {
    message: `Microsoft accepts at most ${MAX_RECIPIENTS} recipients per message`,
    path: ["to"],
  });
export type CreateOutboxBody = z.input<typeof createOutboxBody>;

export const outboxItem = z.object({
  id: z.string(),
  kind: outboxKind,
  state: outboxState,
  channelId: z.string(),
  conversationId: z.string().nullable(),
  messageId: z.string().nullable(),
  from: z.string(),
  to: z.array(person),
  cc: z.array(person),
  bcc: z.array(person),
  subject: z.string(),
  html: z.string(),
  /** Its files (uploads): Undo hands them back to the composer with the rest. */
  attachments: z.array(z.object({ uploadId: z.string(), name: z.string(), size: z.number().int() })),
  createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: isoDateTime,
  /** When the undo window ends. */
  sendAt: isoDateTime,
  /** Set when the mailbox's sending limits hold it: when it will go. */
  willGoAt: isoDateTime.nullable(),
  /** Why it failed, in words, with Microsoft's code; Retry is offered. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type OutboxItem = z.infer<typeof outboxItem>;

/**
 * The members a 409 `conflict` problem adds when a Send was written before a newer message
 * arrived: the newer messages, shown first, and colleagues' replies on their way.
 */
export const sendCollision = z.object({
  reason: z.literal("newer_messages"),
  messages: z.array(message),
  /** Replies colleagues are sending right now (not in the thread yet). */
  pending: z.array(outboxItem),
});
export type SendCollision = z.infer<typeof sendCollision>;

export const sendFromChoice = z.object({ address: z.string(), isPrimary: z.boolean() });

/** Everything the composer needs for a conversation (reply) or a mailbox (new email). */
export const composeContext = z.object({
  channelId: z.string(),
  /** Proxy (SMTP) addresses of the mailbox: the addresses it can send from, primary first. */
  fromChoices: z.array(sendFromChoice),
  /** Addresses Microsoft lists for the account that are not the mailbox's (otherMails): not selectable. */
  otherAddresses: z.array(z.string()),
  /** The address the customer wrote to, when it is one of the choices; else the primary. */
  defaultFrom: z.string(),
  signatureHtml: z.string(),
  autoBcc: z.string().nullable(),
  undoSendSeconds: z.number().int(),
  /** For replies: who the reply and reply-all go to by default, and the subject. */
  defaults: z
    .object({
      messageId: z.string(),
      lastSeenMessageId: z.string(),
      subject: z.string(),
      reply: z.object({ to: z.array(person), cc: z.array(person) }),
      replyAll: z.object({ to: z.array(person), cc: z.array(person) }),
    })
    .nullable(),
});
export type ComposeContext = z.infer<typeof composeContext>;

/** What the composer keeps while typing (the browser's localStorage): read back with this schema. */
export const composerDraft = z.object({
  kind: outboxKind,
  from: z.string(),
  to: z.array(recipient),
  cc: z.array(recipient),
  bcc: z.array(recipient),
  subject: z.string(),
  html: z.string(),
  /** The key its Send goes with (createOutboxBody.sendKey): kept until the message is queued. */
  sendKey: z.string().uuid().optional(),
  /** Files already uploaded (upload routes): the composer opens with them again. */
  files: z
    .array(z.object({ uploadId: z.string(), name: z.string(), size: z.number().int().nonnegative() }))
    .optional(),
  savedAt: z.number(),
});
export type ComposerDraft = z.infer<typeof composerDraft>;

export const presenceActivity = z.enum(["viewing", "composing", "left"]);
export type PresenceActivity = z.infer<typeof presenceActivity>;

const outboxResponse = z.object({ outbox: outboxItem });

/** Outlook's own ceilings: 150 MB per attachment (and message), at most 4 MB per uploaded range. */
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;
export const MAX_UPLOAD_RANGE_BYTES = 4 * 1024 * 1024;

export const createUploadBody = z.object({
  channelId: z.string().max(100),
  name: z.string().trim().min(1).max(255),
  contentType: z.string().max(255).default("application/octet-stream"),
  size: z
    .number()
    .int()
    .min(1, "The file is empty")
    .max(MAX_ATTACHMENT_BYTES, "Outlook takes files of at most 150 MB"),
  /** An image shown in the body (`cid:` + contentId). */
  isInline: z.boolean().default(false),
  contentId: z.string().max(255).nullish(),
});

export const uploadItem = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  /** Bytes received so far: the next range starts here (resume after a dropped connection). */
  received: z.number().int(),
  isInline: z.boolean(),
  contentId: z.string().nullable(),
});
export type UploadItem = z.infer<typeof uploadItem>;

export const outboxRoutes = {
  composeForConversation: defineRoute({
    method: "GET",
    path: "/api/conversations/:id/compose",
    params: z.object({ id: z.string() }),
    response: { 200: composeContext },
  }),
  composeForChannel: defineRoute({
    method: "GET",
    path: "/api/channels/:id/compose",
    params: z.object({ id: z.string() }),
    response: { 200: composeContext },
  }),
  /** Queues a message; it goes when the channel's undo window ends (409 sendCollision when stale). */
  createOutbox: defineRoute({
    method: "POST",
    path: "/api/outbox",
    body: createOutboxBody,
    response: { 201: outboxResponse },
  }),
  /** Before the undo window ends: cancelled, its content returned to the composer. */
  undoOutbox: defineRoute({
    method: "POST",
    path: "/api/outbox/:id/undo",
    params: z.object({ id: z.string() }),
    response: { 200: outboxResponse },
  }),
  retryOutbox: defineRoute({
    method: "POST",
    path: "/api/outbox/:id/retry",
    params: z.object({ id: z.string() }),
    response: { 200: outboxResponse },
  }),
  /** A conversation's outgoing messages still on their way, and the failed ones. */
  listConversationOutbox: defineRoute({
    method: "GET",
    path: "/api/conversations/:id/outbox",
    params: z.object({ id: z.string() }),
    response: { 200: z.object({ outbox: z.array(outboxItem) }) },
  }),
  /** Starts an attachment upload: refused before any byte when Outlook would never take the file. */
  createUpload: defineRoute({
    method: "POST",
    path: "/api/outbox/uploads",
    body: createUploadBody,
    response: { 201: z.object({ upload: uploadItem }) },
  }),
  getUpload: defineRoute({
    method: "GET",
    path: "/api/outbox/uploads/:id",
    params: z.object({ id: z.string() }),
    response: { 200: z.object({ upload: uploadItem }) },
  }),
  /**
   * One range of the file (`application/octet-stream`, at most 4 MB, `Content-Range: bytes a-b/total`,
   * starting at `received`): the raw bytes, so the browser sends them with fetch, not JSON.
   */
  putUploadRange: defineRoute({
    method: "PUT",
    path: "/api/outbox/uploads/:id",
    params: z.object({ id: z.string() }),
    response: { 200: z.object({ upload: uploadItem }) },
  }),
  /** "I am viewing / replying to / left this conversation": colleagues see it live. */
  setPresence: defineRoute({
    method: "POST",
    path: "/api/conversations/:id/presence",
    params: z.object({ id: z.string() }),
    body: z.object({ activity: presenceActivity }),
    response: { 204: noContent },
  }),
};

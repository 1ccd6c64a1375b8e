/**
 * Mail from an outside sender arriving in an emulated mailbox (control API and demo page): HTML or
 * text body, attachments and inline images (`inline` + `contentId`, referenced as `cid:` in the HTML),
 * threading through `inReplyTo` / `references`.
 */
import type { Recipient } from "@microsoft/microsoft-graph-types";
import { z } from "zod";
import { parseAddress } from "../seed.ts";
import { deliverMessage } from "../store/messages.ts";
import type { Store } from "../store/store.ts";
import type { Mailbox, StoredMessage } from "../store/types.ts";

const Address = z.union([
  z.string().min(3),
  z.object({ name: z.string().optional(), address: z.string().min(3) }),
]);
const Addresses = z.union([Address, z.array(Address)]);

export const InboundMail = z
  .object({
    from: Address,
    to: Addresses.optional(),
    cc: Addresses.optional(),
    subject: z.string().default(""),
    html: z.string().optional(),
    text: z.string().optional(),
    attachments: z
      .array(
        z.object({
          name: z.string().min(1),
          contentType: z.string().default("application/octet-stream"),
          contentBase64: z.base64(),
          inline: z.boolean().default(false),
          contentId: z.string().optional(),
        }),
      )
      .default([]),
    inReplyTo: z.string().optional(),
    references: z.array(z.string()).optional(),
    receivedDateTime: z.iso.datetime({ offset: true }).optional(),
    internetMessageId: z
      .string()
      .regex(/^<.+@.+>$/)
      .optional(),
    folder: z.string().default("inbox"),
    importance: z.enum(["low", "normal", "high"]).optional(),
  })
  .refine((mail) => mail.html !== undefined || mail.text !== undefined, {
    message: "html or text is required",
  });
export type InboundMail = z.infer<typeof InboundMail>;

function toRecipient(value: z.infer<typeof Address>): Recipient {
  if (typeof value === "string") return parseAddress(value);
  return { emailAddress: { name: value.name ?? value.address, address: value.address } };
}
const toRecipients = (value: z.infer<typeof Addresses> | undefined): Recipient[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(toRecipient);

export function deliverInbound(store: Store, mailbox: Mailbox, mail: InboundMail): StoredMessage {
  const to = toRecipients(mail.to);
  return deliverMessage(store, mailbox, mail.folder, {
    subject: mail.subject,
    body:
      mail.html !== undefined
        ? { contentType: "html", content: mail.html }
        : { contentType: "text", content: mail.text ?? "" },
    from: toRecipient(mail.from),
    toRecipients:
      to.length > 0 ? to : [{ emailAddress: { name: mailbox.displayName, address: mailbox.mail } }],
    ccRecipients: toRecipients(mail.cc),
    receivedDateTime: mail.receivedDateTime
      ? new Date(mail.receivedDateTime).toISOString().replace(/\.\d{3}Z$/, "Z")
      : undefined,
    internetMessageId: mail.internetMessageId,
    inReplyTo: mail.inReplyTo ?? null,
    references: mail.references,
    importance: mail.importance,
    attachments: mail.attachments.map((a) => ({
      name: a.name,
      contentType: a.contentType,
      contentBytes: a.contentBase64,
      isInline: a.inline,
      contentId: a.contentId ?? null,
    })),
  });
}

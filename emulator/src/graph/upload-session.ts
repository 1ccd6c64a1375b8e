/**
 * Large attachments (3–150 MB): `POST …/messages/{id}/attachments/createUploadSession` returns an
 * `uploadUrl` on the emulator shaped like Outlook's
 * (`{base}/api/gv1.0/users('{userId}@{tenantId}')/messages('{id}')/AttachmentSessions('{sid}')?authtoken=…`).
 * Byte ranges are PUT there in order with `Content-Range: bytes a-b/total` and **no Authorization
 * header** (one that carries it gets Outlook's 401 InvalidAudienceForResource), each at most 4 MB
 * ("up to 4 MB each time"; any size below that: the 320 KiB multiple is OneDrive's rule, and the
 * walkthrough's own first range is 2 MiB); 200 + nextExpectedRanges, then 201 + Location. A GET on
 * the URL answers the session's nextExpectedRanges, so a client can resume after a dropped
 * connection (the SDK's LargeFileUploadTask.getStatus does that); DELETE cancels.
 * https://learn.microsoft.com/graph/outlook-large-attachments, …/api/attachment-createuploadsession
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { graphDateTime } from "../clock.ts";
import { graphError } from "../errors/graph-error.ts";
import { newOpaqueToken } from "../store/ids.ts";
import { findMessage, updateMessage } from "../store/messages.ts";
import { newStoredAttachment } from "./attachments.ts";
import { sniffContentType } from "./content-type.ts";
import { inputErrorReply } from "./message-actions.ts";
import { checkMessageSize, MESSAGE_SIZE_EXCEEDED } from "./message-size.ts";
import { messageOr404 } from "./messages.ts";
import { itemNotFound, mailboxOf, owners } from "./routes.ts";
import { graphRuntime, type UploadSession } from "./runtime.ts";

export const MAX_UPLOAD = 150 * 1024 * 1024;
/**
 * The docs say "between 3 MB and 150 MB" but not where ErrorAttachmentSizeShouldNotBeLessThanMinimumSize
 * starts; 2,097,152 bytes is the observed minimum (microsoft-graph-docs-contrib#4690,
 * msgraph-sdk-java#52). Files of 2–3 MB are thus accepted both ways, as by Outlook.
 */
export const MIN_UPLOAD = 2 * 1024 * 1024;
/** "iteratively upload ranges of bytes (up to 4 MB each time)" (attachment-createuploadsession). */
const MAX_CHUNK = 4 * 1024 * 1024;
/** Not documented; long enough for slow uploads. */
const SESSION_LIFETIME_MS = 2 * 60 * 60_000;

const CreateBody = z.object({
  AttachmentItem: z.object({
    attachmentType: z.string().optional(),
    name: z.string().min(1),
    size: z.number().int().nonnegative(),
    contentType: z.string().optional(),
    isInline: z.boolean().optional(),
    contentId: z.string().optional(),
  }),
});

function sessionPath(session: UploadSession, tenantId: string) {
  return `users('${session.mailboxId}@${tenantId}')/messages('${session.messageId}')/AttachmentSessions('${session.id}')`;
}

/** Registered in the `/v1.0` plugin (authenticated like every Graph call). */
export function registerCreateUploadSession(app: FastifyInstance): void {
  const { store, clock } = app.emulator;
  const urls = [
    ...owners("/messages/:messageId/attachments/createUploadSession"),
    ...owners("/mailFolders/:folderId/messages/:messageId/attachments/createUploadSession"),
  ];
  for (const url of urls) {
    app.post(url, { config: { graphAccess: "mail.write" } }, async (request, reply) => {
      const message = messageOr404(request, reply);
      if (!message) return reply;
      const parsed = CreateBody.safeParse(request.body);
      if (!parsed.success)
        return graphError(reply, 400, "ErrorInvalidRequest", "The AttachmentItem parameter is required.");
      const item = parsed.data.AttachmentItem;
      if (item.size > MAX_UPLOAD)
        return graphError(reply, 400, "ErrorMessageSizeExceeded", MESSAGE_SIZE_EXCEEDED);
      if (item.size < MIN_UPLOAD)
        return graphError(
          reply,
          400,
          "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
          "Attachment size must be greater than the minimum size.",
        );
      const mailbox = mailboxOf(request);
      try {
        checkMessageSize(store, mailbox, message, item.size);
      } catch (error) {
        return inputErrorReply(reply, error);
      }
      const session: UploadSession = {
        id: `AAMkAG${newOpaqueToken(24)}AAA=`,
        authToken: newOpaqueToken(48),
        mailboxId: mailbox.id,
        messageId: message.id,
        name: item.name,
        contentType: item.contentType ?? null,
        size: item.size,
        isInline: item.isInline ?? false,
        contentId: item.contentId ?? null,
        expiresAt: clock.now() + SESSION_LIFETIME_MS,
        received: [],
        nextOffset: 0,
      };
      graphRuntime(store).uploads.set(session.id, session);
      const base = app.emulator.baseUrl;
      return reply.code(201).send({
        "@odata.context": `${base}/v1.0/$metadata#microsoft.graph.uploadSession`,
        uploadUrl: `${base}/api/gv1.0/${sessionPath(session, mailbox.tenantId)}?authtoken=${session.authToken}`,
        expirationDateTime: graphDateTime(session.expiresAt),
        nextExpectedRanges: ["0-"],
      });
    });
  }
}

/** The pre-authenticated upload endpoint, registered under `/api` (outside `/v1.0`, no bearer token). */
export async function uploadPlugin(app: FastifyInstance): Promise<void> {
  const { store } = app.emulator;
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_CHUNK }, (_request, body, done) =>
    done(null, body),
  );

  app.put("/gv1.0/*", async (request, reply) => {
    const session = sessionOf(app, request, reply);
    if (!session) return reply;
    const range = takeRange(request, reply, session);
    if (!range) return reply;
    if (range.end !== range.total - 1) return reply.send(sessionStatus(app, session));
    return completeUpload(app, session, reply);
  });

  // The session's state: where to go on after a dropped connection. Not shown on the Outlook
  // pages (which say nextExpectedRanges is "useful if you need to resume a transfer"); the
  // SDK's LargeFileUploadTask.getStatus/resume GET the upload URL for it.
  app.get("/gv1.0/*", async (request, reply) => {
    const session = sessionOf(app, request, reply);
    if (!session) return reply;
    return sessionStatus(app, session);
  });

  app.delete("/gv1.0/*", async (request, reply) => {
    const session = sessionOf(app, request, reply);
    if (!session) return reply;
    graphRuntime(store).uploads.delete(session.id);
    return reply.code(204).send();
  });
}

/** The session the upload URL names, or undefined with Outlook's 401 or 404 sent. */
function sessionOf(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): UploadSession | undefined {
  const { store, clock } = app.emulator;
  if (request.headers.authorization) {
    graphError(
      reply,
      401,
      "InvalidAudienceForResource",
      `The audience claim value is invalid for current resource. Audience claim is 'https://graph.microsoft.com', request url is '${app.emulator.baseUrl}${request.url.split("?")[0]}' and resource type is 'Exchange'.`,
    );
    return undefined;
  }
  const id = /AttachmentSessions\('([^']+)'\)/.exec(decodeURIComponent(request.url))?.[1];
  const session = id === undefined ? undefined : graphRuntime(store).uploads.get(id);
  if (!session) {
    itemNotFound(reply);
    return undefined;
  }
  const token = (request.query as { authtoken?: string }).authtoken;
  if (token !== session.authToken || clock.now() >= session.expiresAt) {
    graphError(
      reply,
      401,
      "InvalidAuthenticationToken",
      "Access token validation failure. Invalid or expired authtoken.",
    );
    return undefined;
  }
  return session;
}

/** What a 200 PUT answers (the walkthrough's "First upload to the message" response). */
function sessionStatus(app: FastifyInstance, session: UploadSession) {
  const tenantId = app.emulator.store.state.mailboxes.get(session.mailboxId)?.tenantId ?? "";
  return {
    "@odata.context": `${app.emulator.baseUrl}/api/v2.0/$metadata#${sessionPath(session, tenantId)}/$entity`,
    ExpirationDateTime: graphDateTime(session.expiresAt),
    nextExpectedRanges: [String(session.nextOffset)],
  };
}

/**
 * Adds one PUT's bytes to the session when its Content-Range is the next one expected; otherwise
 * answers Outlook's error and returns undefined.
 */
function takeRange(
  request: FastifyRequest,
  reply: FastifyReply,
  session: UploadSession,
): { end: number; total: number } | undefined {
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers["content-range"] ?? ""));
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const refuse = (status: number, code: string, message: string) => {
    graphError(reply, status, code, message);
    return undefined;
  };
  if (!range) return refuse(400, "ErrorInvalidRequest", "The Content-Range header is missing or malformed.");
  const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
  if (total !== session.size || end < start || end >= total)
    return refuse(
      400,
      "ErrorInvalidRequest",
      `The Content-Range total must be the declared size ${session.size}.`,
    );
  if (start !== session.nextOffset)
    return refuse(416, "ErrorInvalidRange", `The next expected range starts at ${session.nextOffset}.`);
  if (body.length !== end - start + 1)
    return refuse(400, "ErrorInvalidRequest", "The Content-Range does not match the body length.");
  session.received.push(body);
  session.nextOffset = end + 1;
  return { end, total };
}

/** The last range arrived: the bytes become an attachment of the message; 201 with its Location. */
function completeUpload(app: FastifyInstance, session: UploadSession, reply: FastifyReply) {
  const { store, clock } = app.emulator;
  graphRuntime(store).uploads.delete(session.id);
  const mailbox = store.state.mailboxes.get(session.mailboxId);
  const found = mailbox ? findMessage(store, mailbox, session.messageId) : undefined;
  if (!mailbox || !found) return itemNotFound(reply);
  const contentBytes = Buffer.concat(session.received).toString("base64");
  const attachment = newStoredAttachment(
    { ...session, contentType: session.contentType ?? sniffContentType(contentBytes), contentBytes },
    clock.now(),
  );
  updateMessage(store, mailbox, found.message.id, {
    attachments: [...found.message.attachments, attachment],
  });
  reply.header(
    "location",
    `${app.emulator.baseUrl}/api/v2.0/Users('${mailbox.id}@${mailbox.tenantId}')/Messages('${found.message.id}')/Attachments('${attachment.id}')`,
  );
  return reply.code(201).send();
}

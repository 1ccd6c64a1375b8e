import { Readable } from "node:stream";
import type { FastifyPluginAsync } from "fastify";
import { z } from "zod";
import { requireMember } from "../accounts/session.ts";
import { channelAccessToken } from "../channels/access-token.ts";
import { connectedChannelGraph } from "../channels/channel-graph.ts";
import { acquireGraphSlots } from "../channels/graph-slots.ts";
import { AppError, notFound } from "../errors.ts";
import { attachmentContentPath } from "../microsoft/attachments.ts";
import { graphGetBinary } from "../microsoft/graph-binary.ts";
import { GraphError } from "../microsoft/graph-client.ts";
import { ensureAttachmentLists } from "./attachment-lists.ts";
import type { InboxRoutesOptions } from "./conversation-routes.ts";
import { attachmentKey, findVisibleMessage } from "./conversation-store.ts";

/** Graph's own ceiling for a file attachment (upload sessions stop at 150 MB). */
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;

/**
 * Types a browser may be told as they are: plain documents, images, media and archives. Anything
 * that can run script when opened from our origin (HTML, SVG, XML, JavaScript) goes out as
 * application/octet-stream — always as a download, with nosniff.
 */
const SAFE_TYPE =
  /^(image\/(png|jpeg|gif|webp|bmp|tiff|heic)|application\/(pdf|zip|gzip|x-7z-compressed|msword|rtf|vnd\.ms-[\w.-]+|vnd\.openxmlformats-officedocument\.[\w.-]+|vnd\.oasis\.opendocument\.[\w.-]+)|text\/(plain|csv|calendar|vcard)|audio\/(mpeg|mp4|ogg|wav|webm)|video\/(mp4|mpeg|ogg|webm|quicktime))$/;

export function safeContentType(contentType: string | null | undefined): string {
  const bare = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return SAFE_TYPE.test(bare) ? bare : "application/octet-stream";
}

/**
 * `attachment` with an ASCII fallback name and the real one as RFC 6266 / 8187 `filename*`:
 * no quotes, slashes or control characters can break out of the header or name a path.
 */
export function contentDisposition(name: string): string {
  const clean = [...name]
    .map((c) => (c < " " || c === "\u007f" || c === "/" || c === "\\" ? "_" : c))
    .join("")
    .replace(/^[.\s]+/, "")
    .trim()
    .slice(0, 200);
  const filename = clean || "attachment";
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["%;]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

const params = z.object({ messageId: z.string(), attachmentId: z.string() });
/** `?inline=1`: a preview the browser shows itself (images and PDFs only), not a download. */
const query = z.object({ inline: z.enum(["1"]).optional() });
const PREVIEWABLE = /^(image\/(png|jpeg|gif|webp|bmp)|application\/pdf)$/;

const tooLarge = () =>
  new AppError(
    "payload_too_large",
    `This attachment is larger than ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB; open it in Outlook`,
  );
const reconnect = () =>
  new AppError("conflict", "This mailbox needs to be reconnected before its attachments can be downloaded");

/** Attachment contents on demand: streamed from Graph to the browser, never stored. */
export const attachmentRoutes: FastifyPluginAsync<InboxRoutesOptions> = async (app, options) => {
  const { auth, database, config, secretBox, events } = options;
  const deps = { config, db: database.db, box: secretBox, events, logger: options.logger };

  app.get("/api/messages/:messageId/attachments/:attachmentId", async (request, reply) => {
    const m = await requireMember(request, auth, database);
    const { messageId, attachmentId } = params.parse(request.params);
    const { inline } = query.parse(request.query);
    const [message] = await ensureAttachmentLists(deps, [
      await findVisibleMessage(database.db, m, messageId),
    ]);
    const attachment = message!.attachments?.find((a) => attachmentKey(a.id) === attachmentId);
    if (!attachment) throw notFound("Attachment");
    if (attachment.size > MAX_ATTACHMENT_BYTES) throw tooLarge();

    const connected = await connectedChannelGraph(deps, message!.channelId);
    if (!connected) throw reconnect();
    // The download counts against the mailbox's 4 concurrent Graph requests until its last byte.
    const release = await acquireGraphSlots(database.db, connected.channel.id, { holderPrefix: "download" });
    let file: Awaited<ReturnType<typeof graphGetBinary>>;
    try {
      file = await graphGetBinary({
        graphUrl: config.microsoft.graphUrl,
        accessToken: channelAccessToken(deps, connected.channel),
        path: attachmentContentPath(message!.graphId, attachment.id),
      });
    } catch (err) {
      await release();
      if (!(err instanceof GraphError)) throw err;
      request.log.warn(
        { channelId: message!.channelId, messageId, status: err.status, code: err.code },
        "attachment download refused by Graph",
      );
      if (err.status === 404) throw notFound("Attachment");
      if (err.status === 401 || err.status === 403) throw reconnect();
      if (err.status === 429 || err.status >= 500)
        throw new AppError("unavailable", "Microsoft is busy; try the download again in a moment", {
          retryAfterSeconds: err.retryAfterSeconds ?? 5,
        });
      throw new AppError("bad_request", "Microsoft would not send this attachment");
    }
    if (file.length !== null && file.length > MAX_ATTACHMENT_BYTES) {
      await file.body.cancel();
      await release();
      throw tooLarge();
    }
    const type = safeContentType(attachment.contentType ?? file.contentType);
    const preview = inline === "1" && PREVIEWABLE.test(type);
    const disposition = contentDisposition(attachment.name);
    reply
      .header("content-type", type)
      .header("content-disposition", preview ? disposition.replace(/^attachment/, "inline") : disposition)
      .header("x-content-type-options", "nosniff")
      // A stored message's files never change: a preview is fetched from Graph once, then the
      // browser keeps it (for this user only). Downloads stay uncached, as before.
      .header("cache-control", preview ? "private, max-age=86400, immutable" : "private, no-store");
    if (file.length !== null) reply.header("content-length", String(file.length));
    const stream = Readable.fromWeb(file.body as import("node:stream/web").ReadableStream);
    // 'close' comes after the end, an error or the browser going away alike.
    stream.once("close", () => {
      release().catch((err: unknown) => request.log.warn({ err }, "could not release the Graph slot"));
    });
    return reply.send(stream);
  });
};

import { MAX_UPLOAD_RANGE_BYTES, routes } from "@mailroom/contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../accounts/auth.ts";
import { type OrgMember, requireMember } from "../accounts/session.ts";
import type { Config } from "../config.ts";
import { contractRoute } from "../contract-route.ts";
import type { Database } from "../db/client.ts";
import { AppError, badRequest, conflict, notFound } from "../errors.ts";
import { assertVisibleChannel, isUuid } from "../inbox/visibility.ts";
import { appendRange, createUpload, findUpload, type UploadRow, uploadView } from "./upload-store.ts";

const RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/**
 * Attachment uploads from the browser: created with the file's size (refused before any byte
 * when Outlook would never take it), then its bytes in ranges of at most 4 MB, in order; the
 * upload's `received` says where to resume after a dropped connection.
 */
export const uploadRoutes: FastifyPluginAsyncZod<{ auth: Auth; database: Database; config: Config }> = async (
  app,
  { auth, database, config },
) => {
  const db = database.db;
  // Ranges are raw bytes: read as a buffer, up to the range limit (and a little for framing).
  app.addContentTypeParser(
    "application/octet-stream",
    { parseAs: "buffer", bodyLimit: MAX_UPLOAD_RANGE_BYTES + 1024 },
    (_request, body, done) => done(null, body),
  );

  app.route({
    ...contractRoute(routes.createUpload, { validationTitle: "This file can't be attached" }),
    handler: async (request, reply) => {
      const m = await requireMember(request, auth, database);
      const { body } = request;
      await assertVisibleChannel(db, m, body.channelId);
      const row = await createUpload(db, config.dataDir, {
        orgId: m.orgId,
        channelId: body.channelId,
        createdBy: m.userId,
        name: body.name,
        contentType: body.contentType,
        size: body.size,
        isInline: body.isInline,
        contentId: body.contentId ?? null,
      });
      return reply.status(201).send({ upload: uploadView(row) });
    },
  });

  app.route({
    ...contractRoute(routes.getUpload),
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      return { upload: uploadView(await ownUpload(m, request.params.id)) };
    },
  });

  app.route({
    ...contractRoute(routes.putUploadRange),
    bodyLimit: MAX_UPLOAD_RANGE_BYTES + 1024,
    handler: async (request) => {
      const m = await requireMember(request, auth, database);
      const row = await ownUpload(m, request.params.id);
      const bytes = request.body;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0)
        throw badRequest("Send the range's bytes as application/octet-stream");
      if (bytes.length > MAX_UPLOAD_RANGE_BYTES)
        throw new AppError("payload_too_large", "Send at most 4 MB per range");
      const range = RANGE.exec(request.headers["content-range"] ?? "");
      if (!range) throw badRequest("Say which bytes these are: Content-Range: bytes start-end/total");
      const [start, end, total] = range.slice(1).map(Number) as [number, number, number];
      if (total !== row.size || end - start + 1 !== bytes.length || end >= total)
        throw badRequest("The range doesn't match the file or the bytes sent");
      if (start !== row.received)
        throw conflict(`The upload continues at byte ${row.received}: send that range next`);
      return { upload: uploadView(await appendRange(db, config.dataDir, row, bytes)) };
    },
  });

  async function ownUpload(m: OrgMember, id: string): Promise<UploadRow> {
    const row = isUuid(id) ? await findUpload(db, m.orgId, id) : undefined;
    if (!row || row.createdBy !== m.userId) throw notFound("Upload");
    return row;
  }
};

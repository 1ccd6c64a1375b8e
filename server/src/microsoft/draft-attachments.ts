import { z } from "zod";
import { type GraphClient, GraphError } from "./graph-client.ts";

/**
 * Attachments onto a draft. A small file goes in one JSON request (base64 inside must keep the
 * request under Graph's ~4 MB); a larger one (up to 150 MB) by an upload session, in ranges of at
 * most 4 MB PUT to Outlook's own URL without our token — the URL carries its own. A session lost
 * mid-way is resumed from its `nextExpectedRanges`.
 * https://learn.microsoft.com/graph/api/message-post-attachments ·
 * https://learn.microsoft.com/graph/outlook-large-attachments ·
 * https://learn.microsoft.com/graph/api/attachment-createuploadsession
 */

/** Files below this go inside one JSON request: 3 MB of bytes is ~4 MB of base64, Graph's ceiling. */
export const INLINE_ATTACHMENT_MAX = 2_900_000;
/** Outlook takes at most 4 MB per PUT of an upload session. */
export const UPLOAD_CHUNK_MAX = 4 * 1024 * 1024;
/** The largest attachment (and message) Outlook takes at all. */
export const ATTACHMENT_MAX = 150 * 1024 * 1024;

export interface AttachmentMeta {
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
}

const created = z.object({ id: z.string() });

export async function addSmallAttachment(
  graph: GraphClient,
  draftId: string,
  meta: AttachmentMeta,
  bytes: Buffer,
): Promise<string> {
  const attachment = await graph.request(
    {
      method: "POST",
      path: `/me/messages/${encodeURIComponent(draftId)}/attachments`,
      body: {
        "@odata.type": "#microsoft.graph.fileAttachment",
        name: meta.name,
        contentType: meta.contentType,
        isInline: meta.isInline,
        ...(meta.contentId ? { contentId: meta.contentId } : {}),
        contentBytes: bytes.toString("base64"),
      },
    },
    created,
  );
  return attachment.id;
}

const session = z.object({ uploadUrl: z.string(), nextExpectedRanges: z.array(z.string()).nullish() });

export async function createUploadSession(graph: GraphClient, draftId: string, meta: AttachmentMeta) {
  const answer = await graph.request(
    {
      method: "POST",
      path: `/me/messages/${encodeURIComponent(draftId)}/attachments/createUploadSession`,
      body: {
        AttachmentItem: {
          attachmentType: "file",
          name: meta.name,
          size: meta.size,
          contentType: meta.contentType,
          isInline: meta.isInline,
          ...(meta.contentId ? { contentId: meta.contentId } : {}),
        },
      },
    },
    session,
  );
  return answer.uploadUrl;
}

const progress = z.object({ nextExpectedRanges: z.array(z.string()).nullish() }).loose();

/**
 * PUTs `bytes` at `start` of a `total`-byte upload. Returns the next byte Outlook expects, or
 * null when the upload is complete. The upload URL is Outlook's and carries its own token: our
 * Authorization header must not go there (Outlook answers 401 to it).
 */
export async function putRange(uploadUrl: string, bytes: Buffer, start: number, total: number) {
  const end = start + bytes.length - 1;
  const res = await fetch(uploadUrl, {
    method: "PUT",
    headers: { "content-range": `bytes ${start}-${end}/${total}` },
    body: new Blob([new Uint8Array(bytes)]),
    signal: AbortSignal.timeout(120_000),
  });
  if (res.status === 201) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok)
    throw new GraphError(res.status, `UploadRange${res.status}`, `Outlook refused a range (${res.status})`);
  return nextByte(progress.parse(await res.json()).nextExpectedRanges);
}

/** Where a session stands (after a dropped connection): the next byte expected, null when done. */
export async function uploadStatus(uploadUrl: string): Promise<number | null> {
  const res = await fetch(uploadUrl, { signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new GraphError(res.status, "UploadSessionGone", "The upload session is no longer there");
  return nextByte(progress.parse(await res.json()).nextExpectedRanges);
}

function nextByte(ranges: string[] | null | undefined): number | null {
  const first = ranges?.[0];
  if (!first) return null;
  return Number(first.split("-")[0]);
}

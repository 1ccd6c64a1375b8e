import { and, eq, inArray, lt } from "drizzle-orm";
import { type AccessTokenDeps, ChannelNeedsReauth, channelAccessToken } from "../../channels/access-token.ts";
import { connectedChannelGraph } from "../../channels/channel-graph.ts";
import { acquireGraphSlots } from "../../channels/graph-slots.ts";
import type { Logger } from "../../log.ts";
import type { MessageRow } from "../../mail/read-thread.ts";
import type { AttachmentInfo } from "../../mail/stored-json.ts";
import { attachmentContentPath } from "../../microsoft/attachments.ts";
import { graphGetBinary } from "../../microsoft/graph-binary.ts";
import { GraphError } from "../../microsoft/graph-client.ts";
import { attachmentKey } from "../conversation-store.ts";
import { normalizeCid } from "./sanitize-html.ts";
import { inlineImageCache } from "./schema.ts";

/**
 * `cid:` images as data: URIs (ADR 016: a sandboxed frame's requests carry no session, so the
 * bytes travel inside the document). Fetched from Graph the first time a message is read, then
 * kept in inline_image_cache. Past the caps, or when Graph can't give an image, the frame shows a
 * placeholder saying so instead of a broken image.
 */

/** Largest single inline image, and all of one document's inline images together. */
export const MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024;
export const MAX_INLINE_BYTES_PER_DOCUMENT = 6 * 1024 * 1024;

const IMAGE_TYPE = /^image\/(png|jpeg|gif|webp|bmp|avif)$/;

/** An SVG card with words, as an image: no script can run in an <img>. */
function placeholder(words: string): string {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="48"><rect width="100%" height="100%" rx="6" fill="#f6f8fa" stroke="#d0d7de"/><text x="12" y="29" font-family="sans-serif" font-size="13" fill="#57606a">${words}</text></svg>`;
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
}
export const TOO_LARGE_PLACEHOLDER = placeholder("Image too large to show here: see the attachments");
export const UNAVAILABLE_PLACEHOLDER = placeholder("Image not available right now");

/** The image type from the first bytes, when the attachment's own type says nothing useful. */
function sniffImageType(bytes: Buffer): string | null {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  if (
    bytes.subarray(0, 4).toString("latin1") === "RIFF" &&
    bytes.subarray(8, 12).toString("latin1") === "WEBP"
  )
    return "image/webp";
  return null;
}

async function readCapped(body: ReadableStream<Uint8Array>, cap: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > cap) {
      await body.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

type Deps = AccessTokenDeps & { logger?: Logger };

/** Fetches the images not cached yet from Graph and caches them; failures are logged and left out. */
async function fetchMissing(deps: Deps, message: MessageRow, wanted: AttachmentInfo[]) {
  const connected = await connectedChannelGraph(deps, message.channelId).catch(() => undefined);
  if (!connected) return;
  for (const a of wanted) {
    const release = await acquireGraphSlots(deps.db, message.channelId, { holderPrefix: "inline" });
    try {
      const file = await graphGetBinary({
        graphUrl: deps.config.microsoft.graphUrl,
        accessToken: channelAccessToken(deps, connected.channel),
        path: attachmentContentPath(message.graphId, a.id),
        timeoutMs: 60_000,
      });
      const bytes = await readCapped(file.body, MAX_INLINE_IMAGE_BYTES);
      const type = (a.contentType ?? "").split(";")[0]!.trim().toLowerCase();
      const contentType = IMAGE_TYPE.test(type) ? type : bytes && sniffImageType(bytes);
      if (!bytes || !contentType) continue;
      await deps.db
        .insert(inlineImageCache)
        .values({
          messageId: message.id,
          orgId: message.orgId,
          attachmentKey: attachmentKey(a.id),
          contentType,
          size: bytes.length,
          content: bytes,
        })
        .onConflictDoNothing();
    } catch (err) {
      if (!(err instanceof GraphError || err instanceof ChannelNeedsReauth)) throw err;
      deps.logger?.warn(
        {
          channelId: message.channelId,
          messageId: message.id,
          code: err instanceof GraphError ? err.code : "reauth",
        },
        "inline image unavailable",
      );
    } finally {
      await release();
    }
  }
}

interface CachedImage {
  attachmentKey: string;
  contentType: string;
  size: number;
  content: Buffer;
}

/**
 * Each referenced cid's data: URI, in document order while the document's budget lasts; past it,
 * over the single-image cap, or not in the cache (Graph couldn't give it): a placeholder.
 */
export function chooseInlineImages(
  cids: string[],
  byCid: Map<string, AttachmentInfo>,
  cached: CachedImage[],
  caps = { image: MAX_INLINE_IMAGE_BYTES, document: MAX_INLINE_BYTES_PER_DOCUMENT },
): Map<string, string> {
  const uris = new Map<string, string>();
  let budget = caps.document;
  for (const cid of cids) {
    const a = byCid.get(cid);
    const row = a && cached.find((c) => c.attachmentKey === attachmentKey(a.id));
    if (a && a.size > caps.image) uris.set(cid, TOO_LARGE_PLACEHOLDER);
    else if (!row) uris.set(cid, UNAVAILABLE_PLACEHOLDER);
    else if (row.size > budget) uris.set(cid, TOO_LARGE_PLACEHOLDER);
    else {
      budget -= row.size;
      uris.set(cid, `data:${row.contentType};base64,${row.content.toString("base64")}`);
    }
  }
  return uris;
}

/** Cached images older than this go (Graph still has them): the table can't grow without end. */
export const INLINE_CACHE_DAYS = 30;

/** Runs only after a fetch from Graph (rare), for that org, on its index. */
async function pruneCache(deps: Deps, orgId: string) {
  await deps.db
    .delete(inlineImageCache)
    .where(
      and(
        eq(inlineImageCache.orgId, orgId),
        lt(inlineImageCache.createdAt, new Date(Date.now() - INLINE_CACHE_DAYS * 86_400_000)),
      ),
    );
}

/**
 * A resolver from content-id to data: URI (or placeholder) for the message's referenced cids,
 * and how many of them are not shown as themselves.
 */
export async function inlineImages(deps: Deps, message: MessageRow, cids: string[]) {
  const byCid = new Map<string, AttachmentInfo>();
  for (const a of message.attachments ?? []) if (a.contentId) byCid.set(normalizeCid(a.contentId), a);
  const wanted = cids.flatMap((cid) => {
    const a = byCid.get(cid);
    return a && a.size <= MAX_INLINE_IMAGE_BYTES ? [a] : [];
  });
  const keys = wanted.map((a) => attachmentKey(a.id));
  const cachedRows = async () =>
    keys.length === 0
      ? []
      : deps.db
          .select()
          .from(inlineImageCache)
          .where(
            and(
              eq(inlineImageCache.messageId, message.id),
              eq(inlineImageCache.orgId, message.orgId),
              inArray(inlineImageCache.attachmentKey, keys),
            ),
          );
  let cached = await cachedRows();
  const missing = wanted.filter((a) => !cached.some((c) => c.attachmentKey === attachmentKey(a.id)));
  if (missing.length > 0) {
    await fetchMissing(deps, message, missing);
    cached = await cachedRows();
    await pruneCache(deps, message.orgId);
  }

  const uris = chooseInlineImages(cids, byCid, cached);
  const omitted = [...uris.values()].filter(
    (u) => u === TOO_LARGE_PLACEHOLDER || u === UNAVAILABLE_PLACEHOLDER,
  ).length;
  return { resolve: (cid: string) => uris.get(cid) ?? UNAVAILABLE_PLACEHOLDER, omitted };
}

import type { BodySummary, RemoteImageScope } from "@mailroom/contract";
import type { AccessTokenDeps } from "../../channels/access-token.ts";
import type { Logger } from "../../log.ts";
import type { MessageRow } from "../../mail/read-thread.ts";
import { ensureAttachmentLists } from "../attachment-lists.ts";
import { remoteImagesAllowed } from "./image-allowances.ts";
import { inlineImages } from "./inline-images.ts";
import { plainTextToHtml } from "./plain-text.ts";
import { RenderCache } from "./render-cache.ts";
import { parseEmail, type RenderedEmail, renderEmail } from "./sanitize-html.ts";

export interface MessageRender {
  rendered: RenderedEmail;
  summary: BodySummary;
  allowed: RemoteImageScope | null;
}

/**
 * A stored message rendered for reading: its body (HTML, or text made HTML) sanitized, its cid:
 * images inlined, remote images as the org allowed them. The caller has checked the reader may
 * see the message. Summary then document come back to back, so each render is kept briefly
 * (render-cache.ts) under a key of everything it depends on.
 */
export function messageRenderer(deps: AccessTokenDeps & { logger?: Logger }) {
  const cache = new RenderCache<MessageRender>({ maxBytes: 32 * 1024 * 1024, ttlMs: 2 * 60_000 });

  async function renderFresh(row: MessageRow, showQuoted: boolean, allowed: RemoteImageScope | null) {
    const [withList] = await ensureAttachmentLists(deps, [row]);
    const html = row.bodyContentType === "html" ? row.bodyContent : plainTextToHtml(row.bodyContent);
    const parsed = parseEmail(html);
    const inline = await inlineImages(deps, withList!, parsed.cids);
    const rendered = renderEmail(parsed, {
      remoteImages: allowed !== null,
      showQuoted,
      inlineImage: inline.resolve,
    });
    const summary: BodySummary = {
      remoteImages: rendered.remoteImages,
      remoteImagesAllowed: allowed,
      hasQuoted: rendered.hasQuoted,
      inlineImagesOmitted: inline.omitted,
      empty: rendered.empty,
      heightHint: rendered.heightHint,
      fullHeightHint: rendered.fullHeightHint,
    };
    return { rendered, summary, allowed };
  }

  return async function render(orgId: string, row: MessageRow, showQuoted: boolean): Promise<MessageRender> {
    const allowed = await remoteImagesAllowed(deps.db, orgId, row);
    const key = `${row.id}:${row.updatedAt.getTime()}:${allowed}:${showQuoted}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const fresh = await renderFresh(row, showQuoted, allowed);
    cache.set(key, fresh, fresh.rendered.body.length + fresh.rendered.styles.length);
    return fresh;
  };
}

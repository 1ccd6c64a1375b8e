import { z } from "zod";
import { defineRoute } from "./route.ts";

/**
 * Reading a message's real HTML (ADR 017). The body itself is a document, not JSON: the browser
 * loads `messageBodyDocument` into a sandboxed iframe (no scripts, opaque origin). What the UI
 * needs to know around it — remote images blocked, quoted history hidden — comes from the JSON
 * summary route beside it.
 */

const bodyParams = z.object({ id: z.string(), messageId: z.string() });

/** Who allowed remote images for a message: nobody yet, this message, or every mail of its sender. */
export const REMOTE_IMAGE_SCOPES = ["message", "sender"] as const;
export type RemoteImageScope = (typeof REMOTE_IMAGE_SCOPES)[number];

export const bodyDocumentQuery = z.object({
  /** "1": include the quoted history (hidden by default when the message has one). */
  quoted: z.enum(["0", "1"]).optional(),
  /** Ignored by the server: changes when an allowance does, so the frame reloads. */
  v: z.string().max(40).optional(),
});
export type BodyDocumentQuery = z.infer<typeof bodyDocumentQuery>;

/** The sanitized HTML document of one message (text/html, its own CSP; see ADR 017). */
export const messageBodyDocument = {
  method: "GET",
  path: "/api/conversations/:id/messages/:messageId/body",
  params: bodyParams,
  query: bodyDocumentQuery,
} as const;

export const bodySummary = z.object({
  /** Distinct remote images (img, background, CSS) in the message. */
  remoteImages: z.number().int(),
  /** Who allowed them; null while they are blocked. */
  remoteImagesAllowed: z.enum(REMOTE_IMAGE_SCOPES).nullable(),
  /** The message ends in quoted history (a reply's earlier mail), hidden unless asked for. */
  hasQuoted: z.boolean(),
  /** Inline (cid:) images not shown: over the document's size cap, or unavailable from Microsoft. */
  inlineImagesOmitted: z.number().int(),
  /** Nothing to show: no text and no image (the UI says so instead of an empty frame). */
  empty: z.boolean(),
  /** A rough height of the rendered body in CSS pixels (the frame can't measure itself). */
  heightHint: z.number().int(),
  /** The same with the quoted history shown. */
  fullHeightHint: z.number().int(),
});
export type BodySummary = z.infer<typeof bodySummary>;

export const allowRemoteImagesInput = z.object({
  scope: z.enum(REMOTE_IMAGE_SCOPES, { message: "Choose this message or this sender" }),
});

export const readingRoutes = {
  getMessageBodySummary: defineRoute({
    method: "GET",
    path: "/api/conversations/:id/messages/:messageId/body/summary",
    params: bodyParams,
    response: { 200: z.object({ summary: bodySummary }) },
  }),
  /** Shows remote images of this message, or of every message from its sender (org-wide). */
  allowRemoteImages: defineRoute({
    method: "POST",
    path: "/api/conversations/:id/messages/:messageId/remote-images",
    params: bodyParams,
    body: allowRemoteImagesInput,
    response: { 200: z.object({ summary: bodySummary }) },
  }),
  /** Blocks remote images again: this message's allowance and its sender's are withdrawn. */
  blockRemoteImages: defineRoute({
    method: "DELETE",
    path: "/api/conversations/:id/messages/:messageId/remote-images",
    params: bodyParams,
    response: { 200: z.object({ summary: bodySummary }) },
  }),
};

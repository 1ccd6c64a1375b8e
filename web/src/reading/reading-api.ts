import {
  type BodySummary,
  messageBodyDocument,
  type RemoteImageScope,
  routes,
  routeUrl,
} from "@mailroom/contract";
import { queryOptions } from "@tanstack/react-query";
import { callApi } from "../api.ts";

/** The reading API (server/src/inbox/reading/body-routes.ts), as TanStack Query keys and calls. */

export type { BodySummary, RemoteImageScope };

export interface MessageRef {
  conversationId: string;
  messageId: string;
}

export const conversationQuery = (id: string) =>
  queryOptions({
    queryKey: ["conversation", id],
    queryFn: () => callApi(routes.getConversation, { params: { id } }).then((r) => r.conversation),
  });

const summaryKey = (ref: MessageRef) => ["message-body-summary", ref.conversationId, ref.messageId] as const;

export const bodySummaryQuery = (ref: MessageRef) =>
  queryOptions({
    queryKey: summaryKey(ref),
    queryFn: () =>
      callApi(routes.getMessageBodySummary, {
        params: { id: ref.conversationId, messageId: ref.messageId },
      }).then((r) => r.summary),
    // A message's body never changes; only an allowance does, and that answers with the new summary.
    staleTime: Number.POSITIVE_INFINITY,
  });

export { summaryKey as bodySummaryKey };

export const allowRemoteImages = (ref: MessageRef, scope: RemoteImageScope) =>
  callApi(routes.allowRemoteImages, {
    params: { id: ref.conversationId, messageId: ref.messageId },
    body: { scope },
  }).then((r) => r.summary);

export const blockRemoteImages = (ref: MessageRef) =>
  callApi(routes.blockRemoteImages, {
    params: { id: ref.conversationId, messageId: ref.messageId },
  }).then((r) => r.summary);

/** The sanitized document for the frame; `v` changes when images are allowed, so it reloads. */
export function bodyDocumentUrl(
  ref: MessageRef,
  options: { quoted: boolean; imagesAllowed: boolean },
): string {
  return routeUrl(
    messageBodyDocument,
    { id: ref.conversationId, messageId: ref.messageId },
    { quoted: options.quoted ? "1" : undefined, v: options.imagesAllowed ? "images" : undefined },
  );
}

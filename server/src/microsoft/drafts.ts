import { z } from "zod";
import { type GraphClient, GraphError } from "./graph-client.ts";
import { graphQuery } from "./message-schema.ts";

/**
 * Sending the Graph way: a reply, reply-all or forward draft made by Exchange (createReply /
 * createReplyAll / createForward: it sets the threading headers and the conversation) or a new
 * draft, then PATCH with the draft's etag, then `send`. Never hand-built threading headers. Every
 * request carries `Prefer: IdType="ImmutableId"` (graph-client.ts), so the draft's id is also its
 * Sent Items copy's id.
 * https://learn.microsoft.com/graph/api/message-createreply · …/message-createreplyall ·
 * …/message-createforward · …/user-post-messages · …/message-update · …/message-send ·
 * https://learn.microsoft.com/graph/outlook-immutable-id
 */

export type DraftKind = "reply" | "replyAll" | "forward" | "new";

/** The internet header each draft carries from its creation: its Sent Items copy is found by it. */
export const OUTBOX_HEADER = "x-mailroom-outbox-id";

export interface GraphRecipient {
  emailAddress: { address: string; name?: string };
}

export const draftSchema = z.object({
  id: z.string(),
  "@odata.etag": z.string().nullish(),
  conversationId: z.string().nullish(),
  internetMessageId: z.string().nullish(),
  isDraft: z.boolean().nullish(),
  parentFolderId: z.string().nullish(),
  body: z.object({ contentType: z.string().nullish(), content: z.string().nullish() }).nullish(),
  internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
});
export type GraphDraft = z.infer<typeof draftSchema>;

const ACTION: Record<Exclude<DraftKind, "new">, string> = {
  reply: "createReply",
  replyAll: "createReplyAll",
  forward: "createForward",
};

const headers = (outboxId: string) => [{ name: OUTBOX_HEADER, value: outboxId }];
const mePath = (id: string) => `/me/messages/${encodeURIComponent(id)}`;

/**
 * Creates the draft: for replies and forwards from the message answered (`parentId`, Graph's id),
 * else a new one in Drafts. The outbox header is set here — Graph takes internet headers only when
 * the item is created.
 */
export function createDraft(
  graph: GraphClient,
  input: { kind: DraftKind; parentId: string | null; outboxId: string; subject: string },
): Promise<GraphDraft> {
  const message = { internetMessageHeaders: headers(input.outboxId) };
  if (input.kind === "new" || !input.parentId)
    return graph.request(
      { method: "POST", path: "/me/messages", body: { ...message, subject: input.subject } },
      draftSchema,
    );
  return graph.request(
    { method: "POST", path: `${mePath(input.parentId)}/${ACTION[input.kind]}`, body: { message } },
    draftSchema,
  );
}

export interface DraftPatch {
  subject?: string;
  html: string;
  to: GraphRecipient[];
  cc: GraphRecipient[];
  bcc: GraphRecipient[];
  /** Omitted: the mailbox's primary address. */
  from?: GraphRecipient;
}

/**
 * Sets the draft's content, only if it is still the version we know (`If-Match`: a stale etag is
 * 412 ErrorIrresolvableConflict). Absolute values, so repeating it is harmless. Returns the new etag.
 */
export async function patchDraft(
  graph: GraphClient,
  draftId: string,
  etag: string | null,
  patch: DraftPatch,
): Promise<string | null> {
  const updated = await graph.request(
    {
      method: "PATCH",
      path: mePath(draftId),
      headers: etag ? { "if-match": etag } : {},
      repeatable: true,
      body: {
        ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
        body: { contentType: "HTML", content: patch.html },
        toRecipients: patch.to,
        ccRecipients: patch.cc,
        bccRecipients: patch.bcc,
        ...(patch.from ? { from: patch.from } : {}),
      },
    },
    draftSchema,
  );
  return updated["@odata.etag"] ?? null;
}

/** Sends the draft (202); Exchange moves it to Sent Items, keeping its immutable id. */
export function sendDraft(graph: GraphClient, draftId: string): Promise<void> {
  return graph.send({ method: "POST", path: `${mePath(draftId)}/send` });
}

/** The draft or sent message by id, or undefined when Graph no longer has it. */
export async function getMessageState(graph: GraphClient, id: string): Promise<GraphDraft | undefined> {
  const select = "id,isDraft,parentFolderId,conversationId,internetMessageId,body";
  try {
    return await graph.request({ path: `${mePath(id)}?$select=${select}` }, draftSchema);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function deleteDraft(graph: GraphClient, id: string): Promise<void> {
  return graph.send({ method: "DELETE", path: mePath(id), repeatable: true }).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
}

const headerPage = z.object({ value: z.array(draftSchema) });

/**
 * A message in `folder` carrying our outbox header: the draft a crashed step created before its id
 * was recorded, or the Sent Items copy of a send whose answer was lost. Graph can't filter on
 * internet headers, so the newest messages are read with their headers.
 */
export async function findByOutboxHeader(
  graph: GraphClient,
  folder: "drafts" | "sentitems",
  outboxId: string,
): Promise<GraphDraft | undefined> {
  const query = new URLSearchParams({
    $select: "id,isDraft,conversationId,internetMessageId,internetMessageHeaders",
    $top: "100",
  });
  const page = await graph.request(
    { path: `/me/mailFolders/${folder}/messages?${graphQuery(query)}` },
    headerPage,
  );
  return page.value.find((m) =>
    (m.internetMessageHeaders ?? []).some(
      (h) => h.name.toLowerCase() === OUTBOX_HEADER && h.value === outboxId,
    ),
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof GraphError && error.status === 404;
}

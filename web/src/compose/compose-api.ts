import {
  type CreateOutboxBody,
  type OutboxItem,
  routes,
  type SendCollision,
  sendCollision,
} from "@mailroom/contract";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, callApi } from "../api.ts";
import { RECONNECTED } from "../live/live-events.ts";
import { useLiveEvents } from "../live/use-live-events.ts";

/** The composer's server state (TanStack Query), refreshed by the outbox's live events. */

export const composeKeys = {
  conversation: (id: string) => ["compose", "conversation", id] as const,
  channel: (id: string) => ["compose", "channel", id] as const,
  outbox: (conversationId: string) => ["outbox", conversationId] as const,
};

export function useConversationCompose(conversationId: string) {
  return useQuery({
    queryKey: composeKeys.conversation(conversationId),
    queryFn: () => callApi(routes.composeForConversation, { params: { id: conversationId } }),
  });
}

export function useChannelCompose(channelId: string | null) {
  return useQuery({
    queryKey: composeKeys.channel(channelId ?? ""),
    queryFn: () => callApi(routes.composeForChannel, { params: { id: channelId ?? "" } }),
    enabled: channelId !== null,
  });
}

/** The conversation's outgoing messages on their way or failed; live. */
export function useConversationOutbox(conversationId: string) {
  const client = useQueryClient();
  useLiveEvents((event) => {
    if (event.type === RECONNECTED) void client.invalidateQueries({ queryKey: ["outbox"] });
    if (event.type === "conversations.updated") {
      // A new message changes who the reply goes to, and what was last seen.
      const ids = event.data.conversationIds;
      if (ids === null || ids.includes(conversationId)) {
        void client.invalidateQueries({ queryKey: composeKeys.conversation(conversationId) });
        void client.invalidateQueries({ queryKey: composeKeys.outbox(conversationId) });
      }
    }
    if (event.type === "outbox.updated" && event.data.conversationId === conversationId)
      void client.invalidateQueries({ queryKey: composeKeys.outbox(conversationId) });
  });
  return useQuery({
    queryKey: composeKeys.outbox(conversationId),
    queryFn: async () =>
      (await callApi(routes.listConversationOutbox, { params: { id: conversationId } })).outbox,
  });
}

export async function sendMessage(body: CreateOutboxBody): Promise<OutboxItem> {
  return (await callApi(routes.createOutbox, { body })).outbox;
}

export async function undoSend(id: string): Promise<OutboxItem> {
  return (await callApi(routes.undoOutbox, { params: { id } })).outbox;
}

export async function retrySend(id: string): Promise<OutboxItem> {
  return (await callApi(routes.retryOutbox, { params: { id } })).outbox;
}

/** The newer messages a 409 carries when the reply was written before them (outbox.ts). */
export function readCollision(error: unknown): SendCollision | undefined {
  if (!(error instanceof ApiError) || error.status !== 409) return undefined;
  const parsed = sendCollision.safeParse(error.problem);
  return parsed.success ? parsed.data : undefined;
}

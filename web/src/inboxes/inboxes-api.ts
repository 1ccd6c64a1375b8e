import { type InboxInput as InboxFields, routes } from "@mailroom/contract";
import { callApi } from "../api.ts";

/** Shared inboxes (docs/api/outlook-channels.md); shapes are the contract's. */

export type { ChannelSummary as ChannelOption, Inbox, InboxColor, Visibility } from "@mailroom/contract";
export { INBOX_COLORS } from "@mailroom/contract";

/** What the form edits: every field, `memberIds` only mattering for restricted inboxes. */
export type InboxInput = Required<InboxFields>;

export const listInboxes = () => callApi(routes.listInboxes);
export const createInbox = (input: InboxInput) => callApi(routes.createInbox, { body: input });
export const updateInbox = (id: string, input: InboxInput) =>
  callApi(routes.updateInbox, { params: { id }, body: input });
export const deleteInbox = (id: string) => callApi(routes.deleteInbox, { params: { id } });
export const linkChannel = (inboxId: string, channelId: string) =>
  callApi(routes.linkChannel, { params: { id: inboxId, channelId } });
export const unlinkChannel = (inboxId: string, channelId: string) =>
  callApi(routes.unlinkChannel, { params: { id: inboxId, channelId } });
export const listChannelOptions = () => callApi(routes.listChannels);

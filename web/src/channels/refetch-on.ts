import { type LiveEvent, RECONNECTED } from "../live/live-events.ts";

/** Live events after which channel views refetch: their data changed, or we may have missed it. */
export const refetchOn = (type: LiveEvent["type"]) =>
  type === "channels.updated" || type === "inboxes.updated" || type === RECONNECTED;

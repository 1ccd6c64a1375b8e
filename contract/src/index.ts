/**
 * @mailroom/contract: what the server and the browser say to each other, declared once. Each
 * route is a `defineRoute` (route.ts) with zod schemas; the server registers its handlers from
 * them and the web app calls them through them, so a changed field fails both typechecks.
 */
export * from "./accounts.ts";
export * from "./actions.ts";
export * from "./attention.ts";
export * from "./channels.ts";
export * from "./conversations.ts";
export * from "./inboxes.ts";
export * from "./live-events.ts";
export * from "./outbox.ts";
export * from "./problem.ts";
export * from "./reading.ts";
export * from "./route.ts";
export * from "./scalars.ts";
export * from "./sync.ts";

import { accountRoutes } from "./accounts.ts";
import { actionRoutes } from "./actions.ts";
import { attentionRoutes } from "./attention.ts";
import { channelRoutes } from "./channels.ts";
import { conversationRoutes } from "./conversations.ts";
import { inboxRoutes } from "./inboxes.ts";
import { outboxRoutes } from "./outbox.ts";
import { readingRoutes } from "./reading.ts";
import { syncRoutes } from "./sync.ts";

/** Every route of the API the web app calls, by name. */
export const routes = {
  ...accountRoutes,
  ...channelRoutes,
  ...inboxRoutes,
  ...conversationRoutes,
  ...readingRoutes,
  ...syncRoutes,
  ...actionRoutes,
  ...attentionRoutes,
  ...outboxRoutes,
};

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { actionRoutes } from "./actions/action-routes.ts";
import { attachmentRoutes } from "./attachment-routes.ts";
import { channelLinkRoutes } from "./channel-link-routes.ts";
import { conversationRoutes, type InboxRoutesOptions } from "./conversation-routes.ts";
import { inboxSettingsRoutes } from "./inbox-settings-routes.ts";
import { bodyRoutes } from "./reading/body-routes.ts";

/** The inbox over HTTP: each concern is its own plugin, registered here. */
export const inboxRoutes: FastifyPluginAsyncZod<InboxRoutesOptions> = async (app, options) => {
  await app.register(conversationRoutes, options);
  await app.register(attachmentRoutes, options);
  await app.register(bodyRoutes, options);
  await app.register(actionRoutes, options);
  await app.register(inboxSettingsRoutes, options);
  await app.register(channelLinkRoutes, options);
};

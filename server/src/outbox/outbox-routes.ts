import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { composeRoutes } from "./compose-routes.ts";
import { conversationOutboxRoute } from "./conversation-outbox-route.ts";
import type { OutboxRoutesOptions } from "./outbox-deps.ts";
import { presenceRoute } from "./presence.ts";
import { sendRoutes } from "./send-routes.ts";
import { uploadRoutes } from "./upload-routes.ts";

/** Sending from Mailroom over HTTP: each concern is its own plugin, registered here. */
export const outboxRoutes: FastifyPluginAsyncZod<OutboxRoutesOptions> = async (app, options) => {
  await app.register(composeRoutes, options);
  await app.register(presenceRoute, options);
  await app.register(uploadRoutes, options);
  await app.register(sendRoutes, options);
  await app.register(conversationOutboxRoute, options);
};

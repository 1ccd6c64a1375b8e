import type { FastifyPluginAsync } from "fastify";
import { attentionRoutes } from "./attention-routes.ts";
import { channelRoutes } from "./channel-routes.ts";
import type { ChannelsOptions } from "./channels-options.ts";
import { connectRoutes } from "./connect-routes.ts";
import { credentialsRoutes } from "./credentials-routes.ts";

/** Outlook channels over HTTP: connecting (OAuth), BYOC credentials, channel settings and aliases. */
export const channelsRoutes: FastifyPluginAsync<ChannelsOptions> = async (app, options) => {
  await app.register(connectRoutes, options);
  await app.register(credentialsRoutes, options);
  await app.register(channelRoutes, options);
  await app.register(attentionRoutes, options);
};

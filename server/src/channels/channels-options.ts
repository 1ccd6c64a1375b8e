import type { Auth } from "../accounts/auth.ts";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Database } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";

/**
 * What the channels routes are given (a leaf: routes.ts composes the route files, and each route
 * file and connect.ts read these types from here, not from routes.ts).
 */
export interface ChannelsOptions {
  auth: Auth;
  database: Database;
  config: Config;
  events: EventBus;
  secretBox: SecretBox;
  /** What else happens when a channel connects or disconnects (the sync module's subscriptions). */
  hooks?: ChannelHooks;
}

/** Best-effort side effects; a hook that fails is logged and never fails the connect or disconnect. */
export interface ChannelHooks {
  /** After a channel is connected, or reconnected (same mailbox again), with either credentials. */
  connected(channelId: string, info: { reconnected: boolean }): Promise<void>;
  /** Runs while the channel still has its tokens. */
  disconnecting(channelId: string): Promise<void>;
}

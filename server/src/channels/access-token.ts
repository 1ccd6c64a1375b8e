import { eq } from "drizzle-orm";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Db } from "../db/client.ts";
import { AppError } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { channelAttention } from "../microsoft/classify-identity-error.ts";
import { IdentityError, refreshTokens } from "../microsoft/identity-client.ts";
import { flagChannels } from "./channel-attention.ts";
import { type ChannelRow, saveTokens } from "./channel-store.ts";
import { byocApp, findOrgCredentials, platformApp } from "./credentials.ts";
import { channels, type StatusReason } from "./schema.ts";

/**
 * Refresh this long before the access token expires. Graph challenges a subscription with
 * reauthorizationRequired ahead of the expiry of the token behind it (the emulator: 15 minutes);
 * answering with a token inside that window would only bring the challenge straight back.
 */
const EARLY_MS = 20 * 60 * 1000;

export interface AccessTokenDeps {
  config: Config;
  db: Db;
  box: SecretBox;
  events: EventBus;
}

/** Raised when Microsoft no longer accepts the channel's grant: the channel now needs reauth. */
export class ChannelNeedsReauth extends AppError {
  constructor(readonly reason: string) {
    super("conflict", "This channel needs to be reconnected to Microsoft");
  }
}

/**
 * A token source for one channel's Graph client: the stored access token while it is fresh,
 * else a refresh grant (the rotated refresh token is saved at once). A refusal that only a person
 * can fix marks the channel `needs_reauth` with the reason, and tells the org.
 */
export interface ChannelTokenSource {
  (forceRefresh: boolean): Promise<string>;
  /** When the access token last handed out (or the stored one) expires; null when unknown. */
  expiresAt(): Date | null;
  /** Refreshes now unless the access token stays valid `ms` longer; returns its expiry. */
  validFor(ms: number): Promise<Date | null>;
}

export function channelAccessToken(deps: AccessTokenDeps, channel: ChannelRow): ChannelTokenSource {
  let current = channel;
  const token = async (forceRefresh: boolean): Promise<string> => {
    const now = Date.now();
    if (
      !forceRefresh &&
      current.accessTokenSealed &&
      current.accessTokenExpiresAt &&
      current.accessTokenExpiresAt.getTime() - EARLY_MS > now
    ) {
      return deps.box.open(current.accessTokenSealed, `channel:${current.id}:access_token`);
    }
    const [fresh] = await deps.db.select().from(channels).where(eq(channels.id, current.id)).limit(1);
    if (!fresh?.refreshTokenSealed || fresh.status !== "connected")
      throw new ChannelNeedsReauth(fresh?.statusReason ?? "disconnected");
    current = fresh;
    const app = fresh.credentialSource === "platform" ? platformApp(deps.config) : await byocFor(deps, fresh);
    if (!app) return markNeedsReauth(deps, fresh, "credentials_missing");
    try {
      const tokens = await refreshTokens(
        { loginUrl: deps.config.microsoft.loginUrl },
        app,
        deps.box.open(fresh.refreshTokenSealed, `channel:${fresh.id}:refresh_token`),
      );
      await saveTokens(deps.db, deps.box, fresh.id, tokens);
      const [saved] = await deps.db.select().from(channels).where(eq(channels.id, fresh.id)).limit(1);
      current = saved ?? fresh;
      return tokens.accessToken;
    } catch (err) {
      if (err instanceof IdentityError && channelAttention(err.classified))
        return markNeedsReauth(deps, fresh, err.classified.problem);
      throw err;
    }
  };
  const expiresAt = () => current.accessTokenExpiresAt ?? null;
  return Object.assign(token, {
    expiresAt,
    async validFor(ms: number) {
      const until = expiresAt();
      if (!until || until.getTime() - ms <= Date.now()) await token(true);
      return expiresAt();
    },
  });
}

async function byocFor(deps: AccessTokenDeps, channel: ChannelRow) {
  const row = await findOrgCredentials(deps.db, channel.orgId);
  return row && row.id === channel.credentialsId ? byocApp(deps.box, row) : undefined;
}

/** A refusal only a person can fix: the channel is flagged (once, audited, told live), and this job stops. */
async function markNeedsReauth(
  deps: AccessTokenDeps,
  channel: ChannelRow,
  reason: StatusReason,
): Promise<never> {
  await flagChannels(deps, channel.orgId, [channel.id], reason);
  throw new ChannelNeedsReauth(reason);
}

/** Graph refused a token refreshed a moment ago: no new token will do, so the channel needs a person. */
export function graphStillUnauthorized(deps: AccessTokenDeps, channel: ChannelRow): Promise<never> {
  return markNeedsReauth(deps, channel, "graph_unauthorized");
}

import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Db } from "../db/client.ts";
import { conflict } from "../errors.ts";
import type { EventBus } from "../events/bus.ts";
import { linkToDefaultInbox } from "../inbox/default-inbox.ts";
import { classifyIdentityError, type IdentityProblem } from "../microsoft/classify-identity-error.ts";
import { createGraphClient, GraphError } from "../microsoft/graph-client.ts";
import {
  type AppCredentials,
  buildAuthorizeUrl,
  exchangeCode,
  IdentityError,
  type TokenSet,
} from "../microsoft/identity-client.ts";
import { fetchMe } from "../microsoft/me.ts";
import { findChannel, replaceAliases, upsertConnectedChannel } from "./channel-store.ts";
import type { ChannelHooks } from "./channels-options.ts";
import { byocApp, findOrgCredentials, platformApp, redirectUri } from "./credentials.ts";
import { discoverAliases } from "./discover-aliases.ts";
import { consumeOAuthState, createOAuthState, type OAuthState } from "./oauth-state.ts";
import { recordReconnect, refuseOtherMailbox } from "./reconnect.ts";
import type { ReturnTo } from "./schema.ts";

export interface ConnectDeps {
  config: Config;
  db: Db;
  box: SecretBox;
  events: EventBus;
  logger: FastifyBaseLogger;
  hooks?: Pick<ChannelHooks, "connected">;
}

export interface StartConnectInput {
  orgId: string;
  userId: string;
  sessionId: string;
  returnTo: ReturnTo;
  credentials?: "platform" | "byoc";
}

/** Picks the app (platform unless asked otherwise or unavailable), records the state, builds the URL. */
export async function startConnect(deps: ConnectDeps, input: StartConnectInput): Promise<string> {
  const platform = platformApp(deps.config);
  const source = input.credentials ?? (platform ? "platform" : "byoc");
  return authorizeUrlFor(deps, { ...input, source, purpose: "connect" });
}

/**
 * Reconnect: OAuth again for this channel, with the app it uses (the org's current BYOC
 * credentials when it is a BYOC channel). The sign-in is pre-filled with its address and no
 * prompt is forced, so Microsoft asks for consent only when it needs it. The state carries the
 * channel: the callback updates that channel, and only if the same mailbox signed in.
 */
export async function startReconnect(
  deps: ConnectDeps,
  input: Omit<StartConnectInput, "credentials"> & { channelId: string },
): Promise<string> {
  const channel = await findChannel(deps.db, input.orgId, input.channelId);
  return authorizeUrlFor(deps, {
    ...input,
    source: channel.credentialSource,
    purpose: "reconnect",
    loginHint: channel.email,
  });
}

async function authorizeUrlFor(
  deps: ConnectDeps,
  input: Omit<StartConnectInput, "credentials"> & {
    source: "platform" | "byoc";
    purpose: "connect" | "reconnect";
    channelId?: string;
    loginHint?: string;
  },
): Promise<string> {
  const { source } = input;
  const byoc = source === "byoc" ? await findOrgCredentials(deps.db, input.orgId) : undefined;
  const app: AppCredentials | undefined =
    source === "platform" ? platformApp(deps.config) : byoc && byocApp(deps.box, byoc);
  if (!app) {
    throw conflict(
      source === "platform"
        ? "Mailroom's Microsoft app isn't available on this server. Use your own Microsoft app credentials."
        : "Add your Microsoft app credentials first.",
    );
  }
  const callback = redirectUri(deps.config);
  const { state, codeChallenge } = await createOAuthState(deps.db, deps.box, {
    orgId: input.orgId,
    userId: input.userId,
    sessionId: input.sessionId,
    purpose: input.purpose,
    ...(input.channelId ? { channelId: input.channelId } : {}),
    returnTo: input.returnTo,
    credentialSource: source,
    ...(byoc ? { credentialsId: byoc.id } : {}),
    clientId: app.clientId,
    redirectUri: callback,
  });
  return buildAuthorizeUrl({
    loginUrl: deps.config.microsoft.loginUrl,
    clientId: app.clientId,
    tenant: app.tenant,
    redirectUri: callback,
    state,
    codeChallenge,
    ...(input.purpose === "reconnect" && input.loginHint ? { loginHint: input.loginHint, prompt: null } : {}),
  });
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export type CallbackProblem = IdentityProblem | "state_invalid" | "wrong_account" | "credentials_missing";

/** Where the browser goes after Microsoft's redirect. Never throws: every failure is a page. */
export async function completeConnect(
  deps: ConnectDeps,
  query: CallbackQuery,
  session: { sessionId: string; userId: string } | null,
): Promise<string> {
  const state =
    session && query.state ? await consumeOAuthState(deps.db, deps.box, query.state, session) : undefined;
  if (!state) return problemPath("state_invalid", "channels");
  const returnTo: ReturnTo = state.returnTo;
  const log = deps.logger.child({ orgId: state.orgId, purpose: state.purpose });

  if (query.error || !query.code) {
    const classified = classifyIdentityError({
      error: query.error ?? "missing_code",
      errorDescription: query.error_description,
    });
    log.info(
      { problem: classified.problem, aadsts: classified.aadsts },
      "Microsoft sign-in ended without a code",
    );
    if (classified.class === "cancelled") return cancelledPath(state);
    return problemPath(classified.problem, returnTo);
  }

  const app = await appForState(deps, state);
  if (!app) return problemPath("credentials_missing", returnTo);
  try {
    const tokens = await exchangeCode({ loginUrl: deps.config.microsoft.loginUrl }, app, {
      code: query.code,
      redirectUri: state.redirectUri,
      codeVerifier: state.codeVerifier,
    });
    const stored = await storeMailbox(deps, state, tokens, log);
    if (!stored) return problemPath("unknown", returnTo);
    if ("refused" in stored) return stored.refused;
    return donePath(state, stored.channelId);
  } catch (err) {
    return problemPath(connectProblem(err, log), returnTo);
  }
}

/**
 * The signed-in mailbox becomes (or updates) the org's channel: its address and aliases from Graph
 * /me, its tokens sealed, a new channel linked to the default inbox, and sync's hook told. A
 * reconnect must bring back the channel's own mailbox (Microsoft's object id and tenant id, not the
 * address): another one is refused and changes nothing. Undefined when Microsoft gave no address
 * or tenant.
 */
async function storeMailbox(
  deps: ConnectDeps,
  state: OAuthState,
  tokens: TokenSet,
  log: FastifyBaseLogger,
): Promise<{ channelId: string } | { refused: string } | undefined> {
  const graph = createGraphClient({
    graphUrl: deps.config.microsoft.graphUrl,
    accessToken: async () => tokens.accessToken,
  });
  const me = await fetchMe(graph);
  const aliases = discoverAliases(me);
  const primary = aliases.find((a) => a.isPrimary)?.address;
  const msTenantId = tokens.idToken?.tid;
  if (!primary || !msTenantId) {
    log.warn(
      { hasPrimary: Boolean(primary), hasTenant: Boolean(msTenantId) },
      "mailbox has no address or tenant",
    );
    return undefined;
  }
  if (state.purpose === "reconnect") {
    const refused = await refuseOtherMailbox(deps, state, { msUserId: me.id, msTenantId, email: primary });
    if (refused) {
      log.warn({ channelId: state.channelId }, "reconnect refused: another mailbox signed in");
      return { refused };
    }
  }
  const { channel, created, previousStatus } = await upsertConnectedChannel(deps.db, deps.box, {
    orgId: state.orgId,
    userId: state.userId,
    msTenantId,
    msUserId: me.id,
    email: primary,
    mailboxName: me.displayName ?? null,
    credentialSource: state.credentialSource === "byoc" ? "byoc" : "platform",
    credentialsId: state.credentialsId,
    clientId: state.clientId,
    tokens,
  });
  await replaceAliases(deps.db, state.orgId, channel.id, aliases);
  if (created) await linkToDefaultInbox(deps.db, state.orgId, channel.id);
  if (!created && previousStatus !== "connected")
    await recordReconnect(deps, { orgId: state.orgId, channelId: channel.id, userId: state.userId });
  await deps.events.publish(state.orgId, { type: "channels.updated", data: { channelId: channel.id } });
  log.info({ channelId: channel.id, created, aliases: aliases.length }, "Outlook channel connected");
  // Sync's hook subscribes what is missing and runs a round at once from the kept delta positions:
  // mail that arrived while the channel was broken appears (ChannelHooks.connected).
  await deps.hooks
    ?.connected(channel.id, { reconnected: !created })
    .catch((err: unknown) => log.warn({ err, channelId: channel.id }, "connect hook failed"));
  return { channelId: channel.id };
}

/** What went wrong after Microsoft's redirect, as the problem page to show. */
function connectProblem(err: unknown, log: FastifyBaseLogger): CallbackProblem {
  if (err instanceof IdentityError) {
    log.warn(
      { problem: err.classified.problem, aadsts: err.classified.aadsts, status: err.status },
      "code exchange refused",
    );
    return err.classified.problem;
  }
  if (err instanceof GraphError) {
    log.warn({ status: err.status, code: err.code }, "Graph refused GET /me after connect");
    return err.status === 401 || err.status === 403 ? "consent_required" : "transient";
  }
  log.error({ err }, "connect failed");
  return "unknown";
}

async function appForState(deps: ConnectDeps, state: OAuthState): Promise<AppCredentials | undefined> {
  if (state.credentialSource === "platform") {
    const app = platformApp(deps.config);
    return app?.clientId === state.clientId ? app : undefined;
  }
  const row = await findOrgCredentials(deps.db, state.orgId);
  // Credentials replaced between the start and the callback: the code belongs to the old app.
  if (!row || row.id !== state.credentialsId || row.clientId !== state.clientId) return undefined;
  return byocApp(deps.box, row);
}

/** Where a completed connect or reconnect lands. */
function donePath(state: OAuthState, channelId: string): string {
  if (state.returnTo === "onboarding") return `/onboarding?step=connect&connected=${channelId}`;
  if (state.returnTo === "credentials") return `/settings/channels/credentials?reconnected=${channelId}`;
  return state.purpose === "reconnect"
    ? `/settings/channels/${channelId}?reconnected=1`
    : `/settings/channels/${channelId}/connected`;
}

function problemPath(problem: CallbackProblem, from: ReturnTo): string {
  return `/outlook/problem/${problem}?from=${from}`;
}

/** Back where the person started; a cancelled reconnect returns to its channel, still flagged. */
function cancelledPath(state: OAuthState): string {
  if (state.returnTo === "onboarding") return "/onboarding?step=connect&note=cancelled";
  if (state.purpose === "reconnect" && state.channelId)
    return state.returnTo === "credentials"
      ? "/settings/channels/credentials?note=cancelled"
      : `/settings/channels/${state.channelId}?note=cancelled`;
  return "/settings/channels/new?note=cancelled";
}

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
import { replaceAliases, upsertConnectedChannel } from "./channel-store.ts";
import type { ChannelHooks } from "./channels-options.ts";
import { byocApp, findOrgCredentials, platformApp, redirectUri } from "./credentials.ts";
import { discoverAliases } from "./discover-aliases.ts";
import { consumeOAuthState, createOAuthState, type OAuthState } from "./oauth-state.ts";
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
  const byoc = await findOrgCredentials(deps.db, input.orgId);
  const source = input.credentials ?? (platform ? "platform" : "byoc");
  const app: AppCredentials | undefined = source === "platform" ? platform : byoc && byocApp(deps.box, byoc);
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
    purpose: "connect",
    returnTo: input.returnTo,
    credentialSource: source,
    ...(source === "byoc" && byoc ? { credentialsId: byoc.id } : {}),
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
  const returnTo: ReturnTo = state.returnTo === "onboarding" ? "onboarding" : "channels";
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
    if (classified.class === "cancelled") return cancelledPath(returnTo);
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
    const channelId = await storeMailbox(deps, state, tokens, log);
    if (!channelId) return problemPath("unknown", returnTo);
    return returnTo === "onboarding"
      ? `/onboarding?step=connect&connected=${channelId}`
      : `/settings/channels/${channelId}/connected`;
  } catch (err) {
    return problemPath(connectProblem(err, log), returnTo);
  }
}

/**
 * The signed-in mailbox becomes (or updates) the org's channel: its address and aliases from Graph
 * /me, its tokens sealed, a new channel linked to the default inbox, and sync's hook told. The
 * channel's id, or undefined when Microsoft gave no address or tenant.
 */
async function storeMailbox(
  deps: ConnectDeps,
  state: OAuthState,
  tokens: TokenSet,
  log: FastifyBaseLogger,
): Promise<string | undefined> {
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
  const { channel, created } = await upsertConnectedChannel(deps.db, deps.box, {
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
  await deps.events.publish(state.orgId, { type: "channels.updated", data: { channelId: channel.id } });
  log.info({ channelId: channel.id, created, aliases: aliases.length }, "Outlook channel connected");
  await deps.hooks
    ?.connected(channel.id, { reconnected: !created })
    .catch((err: unknown) => log.warn({ err, channelId: channel.id }, "connect hook failed"));
  return channel.id;
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

function problemPath(problem: CallbackProblem, from: ReturnTo): string {
  return `/outlook/problem/${problem}?from=${from}`;
}

function cancelledPath(from: ReturnTo): string {
  return from === "onboarding"
    ? "/onboarding?step=connect&note=cancelled"
    : "/settings/channels/new?note=cancelled";
}

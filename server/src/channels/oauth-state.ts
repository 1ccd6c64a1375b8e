import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, lt } from "drizzle-orm";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Db } from "../db/client.ts";
import { createPkce } from "../microsoft/pkce.ts";
import { type CredentialSource, type OAuthPurpose, oauthStates, type ReturnTo } from "./schema.ts";

export const STATE_TTL_MS = 10 * 60 * 1000;

export interface NewOAuthState {
  orgId: string;
  userId: string;
  sessionId: string;
  purpose: OAuthPurpose;
  channelId?: string;
  returnTo: ReturnTo;
  credentialSource: CredentialSource;
  credentialsId?: string;
  clientId: string;
  redirectUri: string;
}

export type OAuthState = typeof oauthStates.$inferSelect & { codeVerifier: string };

const sha256 = (value: string) => createHash("sha256").update(value).digest("base64url");

/**
 * Starts an OAuth round trip: a random `state` (returned once, stored only as its hash) bound to
 * this session, org and purpose, with a sealed PKCE verifier. Returns the state and the challenge.
 */
export async function createOAuthState(
  db: Db,
  box: SecretBox,
  input: NewOAuthState,
  now = new Date(),
): Promise<{ state: string; codeChallenge: string }> {
  const state = randomBytes(32).toString("base64url");
  const pkce = createPkce();
  const stateHash = sha256(state);
  await db.insert(oauthStates).values({
    stateHash,
    orgId: input.orgId,
    userId: input.userId,
    sessionHash: sha256(input.sessionId),
    purpose: input.purpose,
    channelId: input.channelId ?? null,
    returnTo: input.returnTo,
    credentialSource: input.credentialSource,
    credentialsId: input.credentialsId ?? null,
    clientId: input.clientId,
    codeVerifierSealed: box.seal(pkce.verifier, `oauth-state:${stateHash}`),
    redirectUri: input.redirectUri,
    createdAt: now,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
  });
  return { state, codeChallenge: pkce.challenge };
}

/**
 * Consumes a state exactly once: it must exist, be unexpired and unused, and belong to this
 * session and user. One atomic UPDATE … RETURNING, so a replay or a double click finds nothing.
 * Returns undefined for every kind of mismatch (the caller shows one "start again" page).
 */
export async function consumeOAuthState(
  db: Db,
  box: SecretBox,
  state: string,
  session: { sessionId: string; userId: string },
  now = new Date(),
): Promise<OAuthState | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(state)) return undefined;
  const stateHash = sha256(state);
  const [row] = await db
    .update(oauthStates)
    .set({ consumedAt: now })
    .where(
      and(
        eq(oauthStates.stateHash, stateHash),
        isNull(oauthStates.consumedAt),
        gt(oauthStates.expiresAt, now),
        eq(oauthStates.sessionHash, sha256(session.sessionId)),
        eq(oauthStates.userId, session.userId),
      ),
    )
    .returning();
  if (!row) return undefined;
  return { ...row, codeVerifier: box.open(row.codeVerifierSealed, `oauth-state:${stateHash}`) };
}

/** Housekeeping: states are useless an hour after they expire. */
export async function purgeOAuthStates(db: Db, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - 60 * 60 * 1000);
  const rows = await db
    .delete(oauthStates)
    .where(lt(oauthStates.expiresAt, cutoff))
    .returning({ h: oauthStates.stateHash });
  return rows.length;
}

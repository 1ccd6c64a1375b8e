import type { credentialsInput } from "@mailroom/contract";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Config } from "../config.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { Db } from "../db/client.ts";
import { AppError, conflict } from "../errors.ts";
import type { AppCredentials } from "../microsoft/identity-client.ts";
import { channels, microsoftCredentials } from "./schema.ts";

export type CredentialsRow = typeof microsoftCredentials.$inferSelect;

/** The BYOC form as the contract reads it (tenant defaulted to "common"). */
export type CredentialsInput = z.output<typeof credentialsInput>;

/** As Azure shows secrets after creation: the first three characters, the rest hidden. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, 3)}${"•".repeat(8)}`;
}

export async function findOrgCredentials(db: Db, orgId: string): Promise<CredentialsRow | undefined> {
  const [row] = await db
    .select()
    .from(microsoftCredentials)
    .where(eq(microsoftCredentials.orgId, orgId))
    .limit(1);
  return row;
}

/** Creates or replaces the org's BYOC credentials; the secret is sealed to this row. */
export async function saveOrgCredentials(
  db: Db,
  box: SecretBox,
  orgId: string,
  userId: string,
  input: CredentialsInput,
): Promise<CredentialsRow> {
  const existing = await findOrgCredentials(db, orgId);
  const now = new Date();
  if (existing) {
    const [row] = await db
      .update(microsoftCredentials)
      .set({
        clientId: input.clientId,
        clientSecretSealed: box.seal(input.clientSecret, `ms-credentials:${existing.id}`),
        secretHint: secretHint(input.clientSecret),
        tenant: input.tenant,
        secretExpiresAt: secretExpiry(input),
        secretUpdatedAt: now,
        updatedAt: now,
      })
      .where(and(eq(microsoftCredentials.id, existing.id), eq(microsoftCredentials.orgId, orgId)))
      .returning();
    // Removed meanwhile by another admin: this save creates them again.
    if (row) return row;
  }
  const id = crypto.randomUUID();
  const [row] = await db
    .insert(microsoftCredentials)
    .values({
      id,
      orgId,
      clientId: input.clientId,
      clientSecretSealed: box.seal(input.clientSecret, `ms-credentials:${id}`),
      secretHint: secretHint(input.clientSecret),
      tenant: input.tenant,
      secretExpiresAt: secretExpiry(input),
      createdBy: userId,
    })
    .onConflictDoNothing()
    .returning();
  // Two admins saving at once: the second one updates what the first created.
  return row ?? saveOrgCredentials(db, box, orgId, userId, input);
}

/** The client id or the secret differs from what was saved: grants made with the old app are stale. */
export function appReplaced(box: SecretBox, before: CredentialsRow, input: CredentialsInput): boolean {
  return before.clientId !== input.clientId || byocApp(box, before).clientSecret !== input.clientSecret;
}

/** The end (UTC) of the day Azure shows as the secret's expiry, or null when not given. */
function secretExpiry(input: CredentialsInput): Date | null {
  return input.secretExpiresOn ? new Date(`${input.secretExpiresOn}T23:59:59Z`) : null;
}

/** Removes the org's credentials unless a channel still uses them. */
export async function deleteOrgCredentials(db: Db, orgId: string): Promise<void> {
  const existing = await findOrgCredentials(db, orgId);
  if (!existing) throw new AppError("not_found", "There are no Microsoft app credentials to remove");
  const users = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(eq(channels.orgId, orgId), eq(channels.credentialsId, existing.id)))
    .limit(1);
  if (users.length)
    throw conflict("These credentials are used by connected channels. Disconnect them first.");
  await db
    .delete(microsoftCredentials)
    .where(and(eq(microsoftCredentials.id, existing.id), eq(microsoftCredentials.orgId, orgId)));
}

/** The platform app from the operator's configuration, if there is one. */
export function platformApp(config: Config): AppCredentials | undefined {
  const { clientId, clientSecret } = config.microsoft;
  return clientId && clientSecret ? { clientId, clientSecret, tenant: "common" } : undefined;
}

export function byocApp(box: SecretBox, row: CredentialsRow): AppCredentials {
  return {
    clientId: row.clientId,
    clientSecret: box.open(row.clientSecretSealed, `ms-credentials:${row.id}`),
    tenant: row.tenant,
  };
}

/** The redirect URI to register in Azure, derived from PUBLIC_URL. */
export function redirectUri(config: Config): string {
  return `${config.publicUrl}/api/outlook/oauth2/callback`;
}

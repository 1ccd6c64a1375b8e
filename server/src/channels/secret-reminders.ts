import { and, desc, eq, gt, isNotNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { EventBus } from "../events/bus.ts";
import type { JobDefinition } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";
import { type AttentionEmailDeps, emailSecretReminder } from "./attention-emails.ts";
import { credentialReminders, microsoftCredentials } from "./schema.ts";

const DAY_MS = 24 * 3600_000;
/** Admins are reminded this many days before the BYOC client secret expires (issue 12). */
export const REMINDER_DAYS = [30, 7, 1] as const;

export interface ReminderDeps {
  db: Db;
  events: EventBus;
  /** SMTP (optional) and PUBLIC_URL, for the admins' email. */
  config: AttentionEmailDeps["config"];
  logger?: Logger | undefined;
}

/** Whole days left until `expiresAt`, rounded up (an hour left is "1 day"). */
export function daysLeft(expiresAt: Date, now: Date): number {
  return Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS);
}

/**
 * The reminder due now: the nearest threshold reached (30.5 days left is "30 days before"), or
 * undefined (too early, or already expired).
 */
export function reminderDue(expiresAt: Date, now: Date): number | undefined {
  if (expiresAt.getTime() <= now.getTime()) return undefined;
  const whole = Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS);
  return [...REMINDER_DAYS].reverse().find((d) => whole <= d);
}

/**
 * The daily run: for every org whose secret expires within 30 days, the reminder of the nearest
 * threshold (30, 7 or 1 days) once — a missed day sends the nearest one only, never a burst — and
 * the org's pages told (the admins' bell and banner refetch), and its admins emailed where SMTP is
 * configured. Returns how many were sent.
 */
export async function remindSecretExpiries(deps: ReminderDeps, now = new Date()): Promise<number> {
  const rows = await deps.db
    .select()
    .from(microsoftCredentials)
    .where(
      and(isNotNull(microsoftCredentials.secretExpiresAt), gt(microsoftCredentials.secretExpiresAt, now)),
    );
  let sent = 0;
  for (const row of rows) {
    const expiresAt = row.secretExpiresAt!;
    const due = reminderDue(expiresAt, now);
    if (due === undefined) continue;
    const inserted = await deps.db
      .insert(credentialReminders)
      .values({
        orgId: row.orgId,
        credentialsId: row.id,
        daysBefore: due,
        secretExpiresAt: expiresAt,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: credentialReminders.id });
    if (inserted.length === 0) continue;
    sent++;
    deps.logger?.info({ orgId: row.orgId, daysBefore: due }, "BYOC client secret expiry reminder");
    await deps.events.publish(row.orgId, { type: "channels.updated", data: {} });
    await emailSecretReminder(deps, row.orgId, { daysLeft: daysLeft(expiresAt, now), expiresAt });
  }
  return sent;
}

/** The org's latest reminder for its current secret, if one was sent. */
export async function currentSecretReminder(db: Db, orgId: string) {
  const [row] = await db
    .select({
      daysBefore: credentialReminders.daysBefore,
      secretExpiresAt: credentialReminders.secretExpiresAt,
      remindedAt: credentialReminders.createdAt,
    })
    .from(credentialReminders)
    .innerJoin(
      microsoftCredentials,
      and(
        eq(microsoftCredentials.id, credentialReminders.credentialsId),
        eq(microsoftCredentials.secretExpiresAt, credentialReminders.secretExpiresAt),
      ),
    )
    .where(eq(credentialReminders.orgId, orgId))
    .orderBy(desc(credentialReminders.createdAt))
    .limit(1);
  return row;
}

export function channelJobs(deps: ReminderDeps): JobDefinition[] {
  return [
    {
      name: "byoc-secret-reminders",
      schedule: "7 6 * * *",
      retryLimit: 2,
      handler: async () => {
        await remindSecretExpiries(deps);
      },
    },
  ];
}

/**
 * Seed files: the initial (and reset) state. A seed is JSON validated with zod, so people can pass
 * their own with `--seed file.json`; `seed/default.ts` is the one used when none is given.
 * Times are ISO date-times or offsets from the clock's now: `-4d3h20m`, `+3650d`.
 */
import { readFile } from "node:fs/promises";
import type { Recipient } from "@microsoft/microsoft-graph-types";
import { z } from "zod";
import { graphDateTime } from "./clock.ts";
import { hashSecret } from "./store/ids.ts";
import { createMailbox } from "./store/mailboxes.ts";
import { deliverMessage } from "./store/messages.ts";
import { emptyState, type Store } from "./store/store.ts";

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "a GUID");
const when = z
  .string()
  .regex(/^([+-](\d+[dhms])+|\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:\d\d))$/, "ISO time or -4d3h");
/** `Name <address>` or a bare address. */
const address = z.string().regex(/^([^<>]*<[^<>@\s]+@[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+)$/, "Name <address>");

const TenantSeed = z.object({
  id: guid,
  domain: z.string().min(1),
  displayName: z.string().min(1),
  kind: z.enum(["organization", "personal"]).default("organization"),
  sendFromAliasEnabled: z.boolean().default(false),
  /** Exchange Online's default maximum message size is 35 MB; admins may raise it to 150. */
  maxMessageSizeMB: z.number().min(1).max(150).default(35),
});

const UserSeed = z.object({
  id: guid.optional(),
  /** Tenant id or domain. */
  tenant: z.string(),
  userPrincipalName: z.email(),
  mail: z.email().optional(),
  displayName: z.string().min(1),
  givenName: z.string().nullable().optional(),
  surname: z.string().nullable().optional(),
  jobTitle: z.string().nullable().optional(),
  password: z.string().min(1),
  isAdmin: z.boolean().optional(),
  proxyAddresses: z.array(z.string()).optional(),
  otherMails: z.array(z.email()).optional(),
  preferredLanguage: z.string().optional(),
  /** Addresses the mailbox may send as (Send As), or on behalf of (`onBehalf`). */
  sendAs: z.array(z.object({ address: z.email(), onBehalf: z.boolean().default(false) })).optional(),
});

const AppSeed = z.object({
  clientId: guid,
  tenant: z.string(),
  displayName: z.string().min(1),
  redirectUris: z.array(z.url()),
  signInAudience: z.enum([
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
  ]),
  secrets: z.array(
    z.object({
      id: guid,
      displayName: z.string().default("secret"),
      value: z.string().min(8),
      startsAt: when.default("-1d"),
      expiresAt: when,
    }),
  ),
});

const MessageSeed = z.object({
  /** UPN of the mailbox that holds this copy. */
  mailbox: z.string(),
  folder: z.string().default("inbox"),
  at: when,
  from: address,
  to: z.array(address).min(1),
  cc: z.array(address).default([]),
  subject: z.string(),
  body: z.string(),
  bodyType: z.enum(["text", "html"]).default("text"),
  isRead: z.boolean().default(false),
  importance: z.enum(["low", "normal", "high"]).default("normal"),
  categories: z.array(z.string()).default([]),
  flagged: z.boolean().default(false),
  internetMessageId: z
    .string()
    .regex(/^<.+@.+>$/)
    .optional(),
  inReplyTo: z.string().optional(),
  references: z.array(z.string()).optional(),
  attachments: z
    .array(
      z.object({
        name: z.string(),
        contentType: z.string(),
        contentBytes: z.base64(),
        isInline: z.boolean().default(false),
        contentId: z.string().optional(),
      }),
    )
    .default([]),
});

export const SeedSchema = z.object({
  tenants: z.array(TenantSeed),
  users: z.array(UserSeed),
  apps: z.array(AppSeed).default([]),
  messages: z.array(MessageSeed).default([]),
});

/** A seed as written in a file (defaults not yet applied). */
export type SeedInput = z.input<typeof SeedSchema>;
/** A validated seed. */
export type Seed = z.output<typeof SeedSchema>;

/** Validates a seed object, or reads and validates a JSON file. */
export async function loadSeed(source: SeedInput | string): Promise<Seed> {
  const raw: unknown = typeof source === "string" ? JSON.parse(await readFile(source, "utf8")) : source;
  const parsed = SeedSchema.safeParse(raw);
  if (!parsed.success) {
    const where = typeof source === "string" ? source : "seed";
    throw new Error(`invalid ${where}:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/** Replaces the store's state with the seed's. Messages are delivered oldest first. */
export function applySeed(store: Store, seed: Seed): void {
  store.replaceState(emptyState());
  const now = store.clock.now();
  const tenantId = (ref: string) => {
    const tenant = store.tenant(ref);
    if (!tenant) throw new Error(`seed: unknown tenant ${ref}`);
    return tenant.id;
  };
  for (const tenant of seed.tenants)
    store.state.tenants.set(tenant.id.toLowerCase(), { ...tenant, id: tenant.id.toLowerCase() });
  for (const { tenant, ...user } of seed.users) createMailbox(store, { ...user, tenantId: tenantId(tenant) });
  for (const { tenant, secrets, ...app } of seed.apps) {
    store.state.apps.set(app.clientId.toLowerCase(), {
      ...app,
      clientId: app.clientId.toLowerCase(),
      tenantId: tenantId(tenant),
      secrets: secrets.map(({ value, ...secret }) => ({
        ...secret,
        valueHash: hashSecret(value),
        hint: value.slice(0, 3),
        startsAt: resolveTime(secret.startsAt, now),
        expiresAt: resolveTime(secret.expiresAt, now),
      })),
    });
  }
  const messages = seed.messages
    .map((message) => ({ message, at: resolveTime(message.at, now) }))
    .sort((a, b) => a.at - b.at);
  for (const { message, at } of messages) {
    const mailbox = store.mailbox(message.mailbox);
    if (!mailbox) throw new Error(`seed: unknown mailbox ${message.mailbox}`);
    deliverMessage(store, mailbox, message.folder, {
      subject: message.subject,
      body: { contentType: message.bodyType, content: message.body },
      from: parseAddress(message.from),
      toRecipients: message.to.map(parseAddress),
      ccRecipients: message.cc.map(parseAddress),
      receivedDateTime: graphDateTime(at),
      isRead: message.isRead,
      importance: message.importance,
      categories: message.categories,
      flag: { flagStatus: message.flagged ? "flagged" : "notFlagged" },
      internetMessageId: message.internetMessageId,
      inReplyTo: message.inReplyTo ?? null,
      references: message.references,
      attachments: message.attachments,
    });
  }
}

/** `-4d3h` / `+10m` relative to now, or an ISO date-time. */
export function resolveTime(value: string, nowMs: number): number {
  if (!/^[+-]/.test(value)) return Date.parse(value);
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)([dhms])/g)) total += Number(amount) * units[unit!]!;
  return value.startsWith("-") ? nowMs - total : nowMs + total;
}

/** `Dana Whitfield <customer@fabrikam.com>` → Graph recipient. */
export function parseAddress(value: string): Recipient {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  if (!match) return { emailAddress: { name: value.trim(), address: value.trim() } };
  const name = match[1]!.trim();
  const mail = match[2]!.trim();
  return { emailAddress: { name: name || mail, address: mail } };
}

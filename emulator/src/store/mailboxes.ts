/** Creating users/mailboxes. */
import { createWellKnownFolders } from "./folders.ts";
import { newGuid } from "./ids.ts";
import type { Store } from "./store.ts";
import type { Mailbox, SendAsGrant } from "./types.ts";

export interface MailboxInput {
  /** Graph user id / oid; a new GUID when omitted. */
  id?: string;
  tenantId: string;
  userPrincipalName: string;
  /** Primary SMTP address; defaults to the UPN. */
  mail?: string;
  displayName: string;
  givenName?: string | null;
  surname?: string | null;
  jobTitle?: string | null;
  password: string;
  isAdmin?: boolean;
  /** Defaults to `["SMTP:<mail>"]`. */
  proxyAddresses?: string[];
  otherMails?: string[];
  preferredLanguage?: string;
  sendAs?: SendAsGrant[];
}

/** Adds a user with an empty mailbox (well-known folders, localised) to the store. */
export function createMailbox(store: Store, input: MailboxInput): Mailbox {
  if (!store.state.tenants.has(input.tenantId)) throw new Error(`unknown tenant ${input.tenantId}`);
  if (store.mailbox(input.userPrincipalName)) throw new Error(`${input.userPrincipalName} already exists`);
  const mail = input.mail ?? input.userPrincipalName;
  const language = input.preferredLanguage ?? "en-US";
  const mailbox: Mailbox = {
    id: (input.id ?? newGuid()).toLowerCase(),
    tenantId: input.tenantId,
    userPrincipalName: input.userPrincipalName,
    mail,
    displayName: input.displayName,
    givenName: input.givenName ?? null,
    surname: input.surname ?? null,
    jobTitle: input.jobTitle ?? null,
    password: input.password,
    passwordChangedAt: store.clock.now(),
    isAdmin: input.isAdmin ?? false,
    proxyAddresses: input.proxyAddresses ?? [`SMTP:${mail}`],
    otherMails: input.otherMails ?? [],
    preferredLanguage: language,
    sendAs: (input.sendAs ?? []).map((grant) => ({ ...grant, address: grant.address.toLowerCase() })),
    folders: createWellKnownFolders(language),
    changeSeq: 0,
    changes: [],
    changeLogFloor: 0,
  };
  store.state.mailboxes.set(mailbox.id, mailbox);
  return mailbox;
}

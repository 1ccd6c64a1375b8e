/**
 * The default seed: Contoso's support desk (support@ with the help@ and billing@ aliases) with five
 * days of customer mail, a customer mailbox at Fabrikam, a French-speaking agent, a personal
 * Microsoft account, and the "Mailroom" platform app. Accounts and secrets are listed in README.md.
 */
import type { SeedInput } from "../seed.ts";
import { DEFAULT_THREADS, type Thread } from "./default-threads.ts";

export const SEED_PASSWORD = "Passw0rd!";

export const SEED_IDS = {
  tenants: {
    contoso: "3f2c7a54-5b1e-4c8d-9a6f-1e2d3c4b5a69",
    fabrikam: "8b0e6d21-7c4a-4f3b-b2d9-5a6c7e8f9012",
    mailroomPlatform: "c1a5e3f7-2b4d-4e6f-8a0c-9d1b3f5e7a20",
    /** Microsoft's fixed tenant id for personal (MSA) accounts. */
    consumers: "9188040d-6c67-4c5b-b112-36a304b66dad",
  },
  users: {
    support: "a3d1f0c2-6e4b-4b7a-9c8d-2f1e0a9b8c71",
    alex: "b7e2a9d4-1c3f-4e5a-8b6d-7f9e0c1a2b3c",
    camille: "c4f6b8a0-2d5e-4f7a-9c1b-3e5d7f9a1b2c",
    customer: "d9a1c3e5-7f2b-4d6a-8e0c-4b6d8f0a2c4e",
    /** Personal accounts have ids of this shape in Graph. */
    personal: "00000000-0000-0000-a1b2-c3d4e5f60718",
  },
  apps: {
    mailroom: "5d3e7b1a-9c2f-4e8d-b6a4-0f1e2d3c4b5a",
  },
} as const;

export const MAILROOM_APP = {
  clientId: SEED_IDS.apps.mailroom,
  secretId: "e7a4c2d1-3b5f-4a6e-8d9c-1f0b2a3c4d5e",
  /** Documented on purpose: this is emulator-only. */
  secretValue: "Mro8Q~emulator.mailroom.platform-secret.01",
  redirectUris: [
    "http://localhost:3000/api/outlook/oauth2/callback",
    "http://127.0.0.1:3000/api/outlook/oauth2/callback",
  ],
};

/** Mailboxes that receive copies of the default threads, with every address they receive at. */
const COPY_HOLDERS: Record<string, string[]> = {
  "support@contoso.com": ["support@contoso.com", "help@contoso.com", "billing@contoso.com"],
  "alex@contoso.com": ["alex@contoso.com"],
  "customer@fabrikam.com": ["customer@fabrikam.com"],
};

export const defaultSeed: SeedInput = {
  tenants: [
    {
      id: SEED_IDS.tenants.contoso,
      domain: "contoso.com",
      displayName: "Contoso",
      sendFromAliasEnabled: true,
    },
    { id: SEED_IDS.tenants.fabrikam, domain: "fabrikam.com", displayName: "Fabrikam" },
    {
      id: SEED_IDS.tenants.mailroomPlatform,
      domain: "mailroomplatform.onmicrosoft.com",
      displayName: "Mailroom Platform",
    },
    {
      id: SEED_IDS.tenants.consumers,
      domain: "outlook.com",
      displayName: "Microsoft Accounts",
      kind: "personal",
    },
  ],
  users: [
    {
      id: SEED_IDS.users.support,
      tenant: "contoso.com",
      userPrincipalName: "support@contoso.com",
      displayName: "Contoso Support",
      password: SEED_PASSWORD,
      proxyAddresses: [
        "SMTP:support@contoso.com",
        "smtp:help@contoso.com",
        "smtp:billing@contoso.com",
        "smtp:support@contoso.onmicrosoft.com",
        "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=support",
        "SIP:support@contoso.com",
      ],
      otherMails: [],
    },
    {
      id: SEED_IDS.users.alex,
      tenant: "contoso.com",
      userPrincipalName: "alex@contoso.com",
      displayName: "Alex Wilber",
      givenName: "Alex",
      surname: "Wilber",
      jobTitle: "IT Administrator",
      password: SEED_PASSWORD,
      isAdmin: true,
      proxyAddresses: ["SMTP:alex@contoso.com", "smtp:alex.wilber@contoso.com"],
      otherMails: ["alex.wilber@outlook.com"],
    },
    {
      id: SEED_IDS.users.camille,
      tenant: "contoso.com",
      userPrincipalName: "camille.dubois@contoso.com",
      displayName: "Camille Dubois",
      givenName: "Camille",
      surname: "Dubois",
      jobTitle: "Support Agent (Paris)",
      password: SEED_PASSWORD,
      preferredLanguage: "fr-FR",
    },
    {
      id: SEED_IDS.users.customer,
      tenant: "fabrikam.com",
      userPrincipalName: "customer@fabrikam.com",
      displayName: "Dana Whitfield",
      givenName: "Dana",
      surname: "Whitfield",
      jobTitle: "Operations Manager",
      password: SEED_PASSWORD,
    },
    {
      id: SEED_IDS.users.personal,
      tenant: "outlook.com",
      userPrincipalName: "sam.rivera@outlook.com",
      displayName: "Sam Rivera",
      password: SEED_PASSWORD,
      proxyAddresses: [],
    },
  ],
  apps: [
    {
      clientId: MAILROOM_APP.clientId,
      tenant: "mailroomplatform.onmicrosoft.com",
      displayName: "Mailroom",
      redirectUris: MAILROOM_APP.redirectUris,
      signInAudience: "AzureADandPersonalMicrosoftAccount",
      secrets: [
        {
          id: MAILROOM_APP.secretId,
          displayName: "emulator",
          value: MAILROOM_APP.secretValue,
          expiresAt: "2099-12-31T00:00:00Z",
        },
      ],
    },
  ],
  messages: DEFAULT_THREADS.flatMap(threadCopies),
};

/** Turns a thread into per-mailbox copies: the sender's Sent Items and each recipient's Inbox. */
type SeedMessage = NonNullable<SeedInput["messages"]>[number];

function threadCopies(thread: Thread): SeedMessage[] {
  const ids = thread.steps.map((step, i) => `<${thread.key}.${i}@${domainOf(step.from)}>`);
  return thread.steps.flatMap((step, i) => {
    const common = {
      at: step.at,
      from: step.from,
      to: step.to,
      cc: step.cc ?? [],
      subject: i === 0 ? thread.subject : `RE: ${thread.subject}`,
      body: step.body,
      bodyType: step.bodyType ?? "text",
      importance: step.importance ?? "normal",
      internetMessageId: ids[i],
      inReplyTo: i > 0 ? ids[i - 1] : undefined,
      references: ids.slice(0, i),
      attachments: step.attachments ?? [],
    } satisfies Partial<SeedMessage>;
    const recipients = [...step.to, ...(step.cc ?? [])].map(addressOf);
    return Object.entries(COPY_HOLDERS).flatMap(([mailbox, addresses]): SeedMessage[] => {
      if (addresses.includes(addressOf(step.from)))
        return [{ ...common, mailbox, folder: "sentitems", isRead: true }];
      if (recipients.some((address) => addresses.includes(address))) {
        return [
          { ...common, mailbox, folder: "inbox", isRead: !step.unread, flagged: step.flagged ?? false },
        ];
      }
      return [];
    });
  });
}

function addressOf(value: string): string {
  return (/<([^>]+)>/.exec(value)?.[1] ?? value).toLowerCase();
}

function domainOf(value: string): string {
  return addressOf(value).split("@")[1] ?? "localhost";
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createClock } from "./clock.ts";
import { defaultSeed, MAILROOM_APP, SEED_IDS } from "./seed/default.ts";
import { applySeed, loadSeed, parseAddress, resolveTime } from "./seed.ts";
import { findFolder } from "./store/folders.ts";
import { hashSecret } from "./store/ids.ts";
import { headerValue } from "./store/message-headers.ts";
import { Store } from "./store/store.ts";

async function seededStore(): Promise<Store> {
  const store = new Store(createClock({ timeScale: 0 }));
  applySeed(store, await loadSeed(defaultSeed));
  return store;
}

describe("default seed", () => {
  it("has the support mailbox with aliases and about 30 messages over five days", async () => {
    const store = await seededStore();
    const support = store.mailbox("support@contoso.com")!;
    expect(support.displayName).toBe("Contoso Support");
    expect(store.mailboxByAddress("billing@contoso.com")?.id).toBe(support.id);
    const inbox = findFolder(support, "inbox")!.messages;
    const sent = findFolder(support, "sentitems")!.messages;
    expect(inbox.size + sent.size).toBeGreaterThanOrEqual(30);
    const times = [...inbox.values()].map((message) => Date.parse(message.receivedDateTime));
    expect(store.clock.now() - Math.min(...times)).toBeLessThanOrEqual(5 * 86_400_000);
  });

  it("threads replies in Sent Items with the customer's messages", async () => {
    const store = await seededStore();
    const support = store.mailbox("support@contoso.com")!;
    const sent = [...findFolder(support, "sentitems")!.messages.values()];
    const reply = sent.find((message) => message.subject === "RE: Order #48213 arrived damaged")!;
    const original = [...findFolder(support, "inbox")!.messages.values()].find(
      (message) => message.subject === "Order #48213 arrived damaged",
    )!;
    expect(reply.conversationId).toBe(original.conversationId);
    expect(headerValue(reply.internetMessageHeaders, "In-Reply-To")).toBe(original.internetMessageId);
  });

  it("gives the French mailbox localised folder names", async () => {
    const store = await seededStore();
    const camille = store.mailbox(SEED_IDS.users.camille)!;
    expect(findFolder(camille, "inbox")!.displayName).toBe("Boîte de réception");
    expect(findFolder(camille, "sentitems")!.displayName).toBe("Éléments envoyés");
  });

  it("registers the Mailroom app with a documented secret and the local redirect URI", async () => {
    const store = await seededStore();
    const app = store.app(MAILROOM_APP.clientId)!;
    expect(app.signInAudience).toBe("AzureADandPersonalMicrosoftAccount");
    expect(app.redirectUris).toContain("http://localhost:3000/api/outlook/oauth2/callback");
    expect(app.secrets[0]!.valueHash).toBe(hashSecret(MAILROOM_APP.secretValue));
    expect(store.tenant("contoso.com")!.sendFromAliasEnabled).toBe(true);
    expect(store.tenant(app.tenantId)!.displayName).toBe("Mailroom Platform");
  });
});

describe("seed files", () => {
  it("reject an invalid seed with the path of the problem", async () => {
    await expect(
      loadSeed({ tenants: [{ id: "nope", domain: "x.com", displayName: "X" }], users: [] }),
    ).rejects.toThrow(/tenants\[0\]\.id|tenants\.0\.id/);
  });

  it("resolve relative times and parse addresses", () => {
    expect(resolveTime("-1d2h", 100_000_000)).toBe(100_000_000 - 93_600_000);
    expect(resolveTime("2024-01-01T00:00:00Z", 0)).toBe(Date.parse("2024-01-01T00:00:00Z"));
    expect(parseAddress("Dana Whitfield <customer@fabrikam.com>")).toEqual({
      emailAddress: { name: "Dana Whitfield", address: "customer@fabrikam.com" },
    });
  });
});

describe("seed JSON files", () => {
  it("load from a path, as --seed does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "emulator-seed-"));
    try {
      const path = join(dir, "seed.json");
      await writeFile(path, JSON.stringify(defaultSeed));
      const seed = await loadSeed(path);
      expect(seed.users.map((user) => user.userPrincipalName)).toContain("customer@fabrikam.com");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

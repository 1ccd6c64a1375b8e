import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch, jsonInit } from "../../emulator/src/testing/emulator-fetch.ts";
import { DeltaResetRequired, fetchDeltaPage, initialDeltaPath } from "../src/microsoft/delta.ts";
import type { GraphClient } from "../src/microsoft/graph-client.ts";
import type { GraphMessage } from "../src/microsoft/message-schema.ts";
import {
  createSubscription,
  deleteSubscription,
  maxMinutesFromError,
  reauthorizeSubscription,
  renewSubscription,
} from "../src/microsoft/subscriptions.ts";
import { startTestEmulator, supportGraph } from "./emulator.ts";
import { waitFor } from "./wait-for.ts";

let emulator: Emulator;
let graph: GraphClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  graph = supportGraph(emulator, ["User.Read", "Mail.ReadWrite", "Mail.Send", "offline_access"]);
});

afterAll(async () => {
  await emulator?.close();
});

async function deliver(subject: string): Promise<void> {
  const res = await emulatorFetch(
    emulator,
    "/_emulator/mailboxes/support@contoso.com/inbound",
    jsonInit("POST", {
      from: { name: "Dana Customer", address: "dana@example.net" },
      subject,
      text: `Body of ${subject}`,
    }),
  );
  expect(res.status).toBeLessThan(300);
}

/** Runs one delta round to its deltaLink, collecting everything it returned. */
async function round(start: string, pageSize = 10) {
  const messages: GraphMessage[] = [];
  const removed: string[] = [];
  let path: string | undefined = start;
  let pages = 0;
  for (;;) {
    const page = await fetchDeltaPage(graph, path, pageSize);
    pages++;
    messages.push(...page.messages);
    removed.push(...page.removed);
    if (page.deltaLink) return { messages, removed, deltaLink: page.deltaLink, pages };
    path = page.next;
    if (!path) throw new Error("a delta page had neither nextLink nor deltaLink");
  }
}

describe("delta queries on a mail folder", () => {
  let deltaLink: string;

  it("returns every Inbox message across pages, with the fields the store needs", async () => {
    const folder = await graph.request(
      { path: "/me/mailFolders/inbox" },
      z.object({ totalItemCount: z.number() }),
    );
    const inboxCount = folder.totalItemCount;
    expect(inboxCount).toBeGreaterThan(10);
    const initial = await round(initialDeltaPath("inbox"), 10);
    expect(initial.messages).toHaveLength(inboxCount);
    expect(initial.pages).toBeGreaterThan(1);
    expect(new Set(initial.messages.map((m) => m.id)).size).toBe(inboxCount);
    const sample = initial.messages[0]!;
    expect(sample.conversationId).toBeTruthy();
    expect(sample.internetMessageId).toMatch(/^<.+>$/);
    expect(sample.body?.content).toBeTruthy();
    expect(sample.from?.emailAddress?.address).toContain("@");
    deltaLink = initial.deltaLink;
  });

  it("then returns only what changed: new mail, and moves out as removals", async () => {
    await deliver("Where is my order?");
    const next = await round(deltaLink);
    expect(next.messages.map((m) => m.subject)).toEqual(["Where is my order?"]);
    const id = next.messages[0]!.id;

    await graph.send({ method: "POST", path: `/me/messages/${id}/move`, body: { destinationId: "archive" } });
    const after = await round(next.deltaLink);
    expect(after.removed).toEqual([id]);
    expect(after.messages).toEqual([]);
    deltaLink = after.deltaLink;
  });

  it("asks for a fresh start when Graph has evicted the delta state (410)", async () => {
    const res = await emulatorFetch(emulator, "/_emulator/delta/evict", jsonInit("POST", {}));
    expect(res.status).toBeLessThan(300);
    await expect(fetchDeltaPage(graph, deltaLink)).rejects.toBeInstanceOf(DeltaResetRequired);
  });

  it("filters the initial sync by received date", async () => {
    const future = new Date(emulator.clock.now() + 60_000);
    const none = await round(initialDeltaPath("inbox", { receivedSince: future }));
    expect(none.messages).toEqual([]);
  });

  it("never follows a link to another host", () => {
    expect(() => graph.pathOf("https://evil.example/v1.0/me/messages/delta?$deltatoken=x")).toThrow(
      /another host/,
    );
  });
});

describe("subscriptions", () => {
  let receiver: http.Server;
  let receiverUrl: string;
  const notifications: { clientState?: string; changeType?: string }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      const token = new URL(req.url!, "http://x").searchParams.get("validationToken");
      if (token !== null) {
        res.writeHead(200, { "content-type": "text/plain" }).end(token);
        return;
      }
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const parsed = JSON.parse(body) as { value: { clientState?: string; changeType?: string }[] };
        notifications.push(...parsed.value);
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => receiver.close(r));
  });

  it("reads the maximum lifetime out of Graph's refusal", () => {
    expect(maxMinutesFromError("Subscription expiration can only be 4230 minutes in the future.")).toBe(4230);
    expect(maxMinutesFromError("Something else")).toBeUndefined();
  });

  it("creates, notifies, renews, reauthorizes and deletes", async () => {
    const created = await createSubscription(graph, {
      folder: "inbox",
      notificationUrl: `${receiverUrl}/webhook`,
      lifecycleNotificationUrl: `${receiverUrl}/lifecycle`,
      clientState: "a-random-client-state",
      now: new Date(emulator.clock.now()),
    });
    expect(created.maxMinutes).toBe(10_080);
    expect(created.expiresAt.getTime()).toBeGreaterThan(emulator.clock.now() + 10_000 * 60_000);

    await deliver("Notify me");
    await waitFor(() => notifications.some((n) => n.changeType === "created"), {
      what: "a created notification",
    });
    expect(notifications.every((n) => n.clientState === "a-random-client-state")).toBe(true);

    const renewed = await renewSubscription(graph, created.id, { now: new Date(emulator.clock.now()) });
    expect(renewed.id).toBe(created.id);
    await reauthorizeSubscription(graph, created.id);
    await deleteSubscription(graph, created.id);
    await deleteSubscription(graph, created.id); // already gone: still fine
  });

  it("learns a shorter maximum lifetime from the server and retries with it", async () => {
    const res = await emulatorFetch(
      emulator,
      "/_emulator/notifications/settings",
      jsonInit("PATCH", { maxExpirationMinutes: 4230 }),
    );
    expect(res.status).toBe(200);
    const created = await createSubscription(graph, {
      folder: "sentitems",
      notificationUrl: `${receiverUrl}/webhook`,
      lifecycleNotificationUrl: `${receiverUrl}/lifecycle`,
      clientState: "another-client-state",
      now: new Date(emulator.clock.now()),
    });
    expect(created.maxMinutes).toBe(4230);
    expect(created.expiresAt.getTime()).toBeLessThanOrEqual(emulator.clock.now() + 4230 * 60_000);
    const renewed = await renewSubscription(graph, created.id, { now: new Date(emulator.clock.now()) });
    expect(renewed.maxMinutes).toBe(4230);
    await deleteSubscription(graph, created.id);
  });
});

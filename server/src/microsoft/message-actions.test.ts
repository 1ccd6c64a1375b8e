import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deliverMessage } from "../../../emulator/src/store/messages.ts";
import { emulatorFetch, jsonInit } from "../../../emulator/src/testing/emulator-fetch.ts";
import { useEmulatorGraph } from "../../test/emulator.ts";
import { type ChainOutcome, type MessageChain, runMessageChains } from "./message-actions.ts";

// Message changes through $batch against the emulator (which runs each item through its real routes).
const world = useEmulatorGraph();

const counters = z.object({
  endpoints: z.record(
    z.string(),
    z.object({ count: z.number(), byStatus: z.record(z.string(), z.number()) }),
  ),
});
async function endpoint(name: string) {
  const res = await emulatorFetch(world.emulator, "/_emulator/counters");
  return counters.parse(await res.json()).endpoints[name];
}

function newMessages(count: number, subject: string): string[] {
  const store = world.emulator.app.emulator.store;
  const mailbox = store.mailbox("support@contoso.com")!;
  return Array.from({ length: count }, (_, i) => {
    const message = deliverMessage(store, mailbox, "inbox", {
      subject: `${subject} ${i}`,
      body: { contentType: "text", content: "Hi" },
      from: { emailAddress: { name: "Dana", address: "dana@example.net" } },
      isRead: false,
    });
    return message.id;
  });
}

function folderOf(id: string) {
  const mailbox = world.emulator.app.emulator.store.mailbox("support@contoso.com")!;
  for (const folder of mailbox.folders.values()) {
    const message = folder.messages.get(id);
    if (message) return { folder: folder.wellKnownName, isRead: message.isRead };
  }
  return undefined;
}

describe("message changes through $batch", () => {
  it("archives 25 messages in 2 parallel batches; throttled items go again after their own Retry-After", async () => {
    const ids = newMessages(25, "Parallel");
    await emulatorFetch(
      world.emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", { count: 3, retryAfterSeconds: 1, method: "POST", pathPrefix: "/v1.0/me/messages/" }),
    );
    const chains: MessageChain[] = ids.map((id) => ({
      key: id,
      graphMessageId: id,
      changes: [{ kind: "move", destinationId: "archive" }],
    }));
    const started = Date.now();
    const outcomes = await runMessageChains(world.graph, chains);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.map((o) => o.key).sort()).toEqual([...ids].sort());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    for (const id of ids) expect(folderOf(id)?.folder).toBe("archive");
    expect((await endpoint("POST /v1.0/me/messages/:messageId/move"))?.byStatus).toEqual({
      "201": 25,
      "429": 3,
    });
    // Two batches of 20 + 5, then one more for the three throttled items.
    expect((await endpoint("POST /v1.0/$batch"))?.count).toBe(3);
  });

  it("marks read then archives in a sequential batch; one missing message fails alone", async () => {
    const [a, b, c] = newMessages(3, "Sequential");
    const chain = (id: string): MessageChain => ({
      key: id,
      graphMessageId: id,
      changes: [
        { kind: "read", isRead: true },
        { kind: "move", destinationId: "archive" },
      ],
    });
    const outcomes = await runMessageChains(world.graph, [
      chain(a!),
      chain("AAMkAGnone-AAA="),
      chain(b!),
      chain(c!),
    ]);
    const byKey = new Map(outcomes.map((o) => [o.key, o]));
    expect(byKey.get("AAMkAGnone-AAA=")).toMatchObject({ ok: false, error: { status: 404 } });
    for (const id of [a!, b!, c!]) {
      expect(byKey.get(id)?.ok).toBe(true);
      expect(folderOf(id)).toEqual({ folder: "archive", isRead: true });
    }
    // The first batch stopped at the missing message (the chains after it answered 424, not run);
    // they went again in a second batch, and nothing ran twice.
    expect((await endpoint("POST /v1.0/$batch"))?.count).toBe(2);
    expect((await endpoint("POST /v1.0/me/messages/:messageId/move"))?.byStatus).toEqual({ "201": 3 });
  });

  it("takes a selection of any size: 150,000 chains start at once, 20 to a batch", async () => {
    const [real] = newMessages(1, "Huge");
    const chains: MessageChain[] = Array.from({ length: 150_000 }, (_, i) => ({
      key: String(i),
      graphMessageId: i === 0 ? real! : `AAMkAGgone-${i}=`,
      changes: [{ kind: "move", destinationId: "archive" }],
    }));
    // Stopped once the first batch is decided: the rest would take minutes.
    const stop = new AbortController();
    const outcomes: ChainOutcome[] = [];
    const run = runMessageChains(world.graph, chains, {
      signal: stop.signal,
      onOutcome: (outcome) => {
        outcomes.push(outcome);
        stop.abort(new Error("enough"));
      },
    });
    await expect(run).rejects.toThrow("enough");
    expect(outcomes).toHaveLength(20);
    expect(outcomes.find((o) => o.key === "0")?.ok).toBe(true);
    expect(folderOf(real!)?.folder).toBe("archive");
    expect((await endpoint("POST /v1.0/$batch"))?.count).toBe(1);
  });
});

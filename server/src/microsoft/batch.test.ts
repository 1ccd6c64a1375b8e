import { describe, expect, it } from "vitest";
import { emulatorFetch, jsonInit } from "../../../emulator/src/testing/emulator-fetch.ts";
import { requestCounts, useEmulatorGraph } from "../../test/emulator.ts";
import { batchItemError, MAX_BATCH_REQUESTS, sendBatch } from "./batch.ts";
import { deltaPrefer, initialDeltaPath, readDeltaPage } from "./delta.ts";

// Graph JSON batching against the emulator's $batch (which runs each item through the real routes).
const world = useEmulatorGraph();

async function count(endpoint: string): Promise<number> {
  return (await requestCounts(world.emulator))[endpoint] ?? 0;
}

const deltaItem = (folder: "inbox" | "sentitems") => ({
  id: folder,
  method: "GET" as const,
  url: initialDeltaPath(folder),
  headers: { Prefer: deltaPrefer() },
});

describe("Graph JSON batching", () => {
  it("fetches two folders' delta pages in one request, answers in request order", async () => {
    const answers = await sendBatch(world.graph, [deltaItem("sentitems"), deltaItem("inbox")]);
    expect(answers.map((a) => [a.id, a.status])).toEqual([
      ["sentitems", 200],
      ["inbox", 200],
    ]);
    const inbox = readDeltaPage(world.graph, answers[1]!.body);
    expect(inbox.messages.length).toBeGreaterThan(0);
    expect(inbox.deltaLink).toMatch(/^\/me\/mailFolders\/inbox\/messages\/delta\?/);
    expect(await count("POST /v1.0/$batch")).toBe(1);
  });

  it("retries only the throttled items, after their Retry-After", async () => {
    const burst = await emulatorFetch(
      world.emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", {
        status: 429,
        count: 1,
        retryAfterSeconds: 0.2,
        pathPrefix: "/v1.0/me/mailFolders/inbox",
      }),
    );
    expect(burst.status).toBe(201);
    const waits: number[] = [];
    const answers = await sendBatch(world.graph, [deltaItem("inbox"), deltaItem("sentitems")], {
      sleep: async (ms) => {
        waits.push(ms);
        await new Promise((r) => setTimeout(r, ms));
      },
    });
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(waits).toEqual([200]);
    expect(await count("POST /v1.0/$batch")).toBe(2);
  });

  it("hands back an item throttled longer than it waits in-line, as the GraphError a GET would throw", async () => {
    await emulatorFetch(
      world.emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", {
        status: 429,
        count: 1,
        retryAfterSeconds: 90,
        pathPrefix: "/v1.0/me/mailFolders/sentitems",
      }),
    );
    const [inbox, sent] = await sendBatch(world.graph, [deltaItem("inbox"), deltaItem("sentitems")]);
    expect(inbox!.status).toBe(200);
    expect(sent!.status).toBe(429);
    const error = batchItemError(sent!);
    expect(error).toMatchObject({ status: 429, code: "TooManyRequests", retryAfterSeconds: 90 });
  });

  it("splits more than 20 requests into several batches", async () => {
    const requests = Array.from({ length: MAX_BATCH_REQUESTS + 3 }, (_, i) => ({
      id: String(i),
      method: "GET" as const,
      url: "/me/mailFolders/inbox?$select=id,totalItemCount",
    }));
    const answers = await sendBatch(world.graph, requests);
    expect(answers.map((a) => a.id)).toEqual(requests.map((r) => r.id));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(await count("POST /v1.0/$batch")).toBe(2);
  });
});

/**
 * Bulk mail actions through `$batch` as a shared inbox does them: PATCH isRead and categories,
 * then move to Archive (or a folder by id), each move depending on its PATCH — the batch fully
 * sequential, as Graph wants a batch with dependsOn ("fully sequential or fully parallel"). Item shapes as on
 * the json-batching page: a body needs a Content-Type item header; a failed dependency is 424.
 * https://learn.microsoft.com/graph/json-batching
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "../clock.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import type { BatchItemResponse } from "./run-in-order.ts";
import { delegatedToken } from "./testing/mailbox-probe.ts";

describe("bulk mail actions in $batch", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 0 }) });
  });
  afterAll(() => emulator.close());

  it("marks read, categorizes and archives 9 messages in one sequential batch of 20, moves depending on their PATCH", async () => {
    const token = delegatedToken(emulator);
    const mailbox = emulator.store.mailbox("support@contoso.com")!;
    const inbox = [...mailbox.folders.values()].find((folder) => folder.wellKnownName === "inbox")!;
    const archive = [...mailbox.folders.values()].find((folder) => folder.wellKnownName === "archive")!;
    const ids = [...inbox.messages.keys()].slice(0, 9);
    const json = { "Content-Type": "application/json", Prefer: 'IdType="ImmutableId"' };
    const requests = [
      ...ids.flatMap((id, i) => [
        {
          id: `p${i}`,
          ...(i > 0 ? { dependsOn: [`m${i - 1}`] } : {}),
          method: "PATCH",
          url: `/me/messages/${id}`,
          headers: json,
          body: { isRead: true, categories: ["Closed"] },
        },
        {
          id: `m${i}`,
          dependsOn: [`p${i}`],
          method: "POST",
          url: `/me/messages/${id}/move`,
          headers: json,
          body: { destinationId: i % 2 === 0 ? "archive" : archive.id },
        },
      ]),
      {
        id: "pMissing",
        dependsOn: [`m${ids.length - 1}`],
        method: "PATCH",
        url: "/me/messages/AAMkAGnone-AAA=",
        headers: json,
        body: { isRead: true },
      },
      {
        id: "mMissing",
        dependsOn: ["pMissing"],
        method: "POST",
        url: "/me/messages/AAMkAGnone-AAA=/move",
        headers: json,
        body: { destinationId: "archive" },
      },
    ];
    expect(requests).toHaveLength(20);
    const response = await emulatorFetch(
      emulator,
      "/v1.0/$batch",
      jsonInit("POST", { requests }, { authorization: `Bearer ${token}` }),
    );
    expect(response.status).toBe(200);
    const items = new Map(
      ((await response.json()) as { responses: BatchItemResponse[] }).responses.map((item) => [
        item.id,
        item,
      ]),
    );
    for (let i = 0; i < ids.length; i++) {
      expect(items.get(`p${i}`)?.status).toBe(200);
      expect(items.get(`m${i}`)).toMatchObject({
        status: 201,
        headers: { "Content-Type": "application/json", "OData-Version": "4.0" },
        body: { id: ids[i], parentFolderId: archive.id, isRead: true, categories: ["Closed"] },
      });
    }
    expect(items.get("pMissing")?.status).toBe(404);
    expect(items.get("mMissing")).toMatchObject({
      status: 424,
      body: { error: { code: "FailedDependency" } },
    });
    expect(ids.every((id) => archive.messages.get(id)?.isRead === true)).toBe(true);
  });
});

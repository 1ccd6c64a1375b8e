/**
 * Microsoft's documented batching and throttling examples (emulator/fixtures/batch, sources in
 * fixtures/SOURCES.md) against the emulator's answers: same field names, same JSON types.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClock } from "../clock.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { parseBatch } from "./batch-request.ts";
import type { BatchItemResponse } from "./run-in-order.ts";
import { delegatedToken } from "./testing/mailbox-probe.ts";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/batch/${name}`, import.meta.url), "utf8"));

type Shape = string | Shape[] | { [key: string]: Shape };

/** JSON types by field; arrays by their first element; null matches anything (optional in Graph). */
function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0])] : [];
  if (value === null) return "null";
  if (typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, shapeOf(field)]));
  return typeof value;
}

/** Every documented field is present in ours with the same type (ours may have more). */
function missingOrDifferent(documented: Shape, ours: Shape, path = "$"): string[] {
  if (documented === "null") return [];
  if (typeof documented === "string" || typeof ours === "string")
    return documented === ours
      ? []
      : [`${path}: documented ${JSON.stringify(documented)}, ours ${JSON.stringify(ours)}`];
  if (Array.isArray(documented) || Array.isArray(ours)) {
    if (!Array.isArray(documented) || !Array.isArray(ours)) return [`${path}: array vs object`];
    return documented[0] && ours[0] ? missingOrDifferent(documented[0], ours[0], `${path}[0]`) : [];
  }
  return Object.entries(documented).flatMap(([key, shape]) =>
    key in ours ? missingOrDifferent(shape, ours[key]!, `${path}.${key}`) : [`${path}.${key}: missing`],
  );
}

describe("documented batching and throttling examples", () => {
  let emulator: Emulator;
  let token: string;
  const documented = fixture("json-batching-response.json") as { responses: BatchItemResponse[] };
  const documentedItem = (id: string) => documented.responses.find((item) => item.id === id)!;

  beforeAll(async () => {
    emulator = await createEmulator({ clock: createClock({ timeScale: 0 }) });
    token = delegatedToken(emulator);
  });
  afterAll(() => emulator.close());

  const runBatch = async (requests: unknown[]) => {
    const response = await emulatorFetch(
      emulator,
      "/v1.0/$batch",
      jsonInit("POST", { requests }, { authorization: `Bearer ${token}` }),
    );
    expect(response.status).toBe(200);
    return (await response.json()) as { responses: BatchItemResponse[] };
  };

  it("accepts the documented batch request as it is written", () => {
    const parsed = parseBatch(fixture("json-batching-request.json"));
    expect(parsed.ok).toBe(true);
  });

  it("answers the documented envelope: responses of {id, status, headers, body}", async () => {
    const ours = await runBatch([
      { id: "1", method: "GET", url: "/me/messages?$top=1" },
      { id: "2", method: "GET", url: "/me/messages/AAMkAGI2-does-not-exist" },
    ]);
    const byId = new Map(ours.responses.map((item) => [item.id, item]));
    // Item fields and types (header sets differ by service: only Content-Type is common to all).
    const itemFields = (item: BatchItemResponse | undefined) => ({
      id: item?.id,
      status: item?.status,
      headers: { "Content-Type": item?.headers["Content-Type"] },
      body: {},
    });
    for (const item of documented.responses)
      for (const mine of ours.responses)
        expect(missingOrDifferent(shapeOf(itemFields(item)), shapeOf(itemFields(mine)))).toEqual([]);
    // A collection page is framed like documented item 1 (whose entries are directory objects).
    const page = (body: unknown) => {
      const { "@odata.context": context, value } = body as Record<string, unknown>;
      return { "@odata.context": context, value: Array.isArray(value) ? [] : value };
    };
    expect(
      missingOrDifferent(shapeOf(page(documentedItem("1").body)), shapeOf(page(byId.get("1")?.body))),
    ).toEqual([]);
    // An error item: documented item 3 (403) against our 404.
    expect(missingOrDifferent(shapeOf(documentedItem("3").body), shapeOf(byId.get("2")?.body))).toEqual([]);
  });

  it("marks successful items OData-Version 4.0 and error items not, as the documented response does", async () => {
    expect(documentedItem("1").headers["OData-Version"]).toBe("4.0");
    expect(documentedItem("3").headers["OData-Version"]).toBeUndefined();
    const ours = await runBatch([
      { id: "1", method: "GET", url: "/me/messages?$top=1" },
      { id: "3", method: "GET", url: "/me/messages/AAMkAGI2-does-not-exist" },
    ]);
    const byId = new Map(ours.responses.map((item) => [item.id, item]));
    expect(byId.get("1")?.headers["OData-Version"]).toBe("4.0");
    expect(byId.get("3")?.headers["OData-Version"]).toBeUndefined();
    const direct = await emulatorFetch(emulator, "/v1.0/me", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(direct.headers.get("odata-version")).toBe("4.0");
    const missing = await emulatorFetch(emulator, "/v1.0/me/messages/nope", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("odata-version")).toBeNull();
  });

  it("answers a 429 burst with the documented throttling body", async () => {
    await emulatorFetch(
      emulator,
      "/_emulator/faults/burst",
      jsonInit("POST", { count: 1, retryAfterSeconds: 2.128 }),
    );
    const response = await emulatorFetch(emulator, "/v1.0/me", {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2.128");
    expect(
      missingOrDifferent(shapeOf(fixture("throttled-response.json")), shapeOf(await response.json())),
    ).toEqual([]);
  });
});

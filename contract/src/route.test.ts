import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineRoute, type RequestOf, type ResponseOf, routeUrl } from "./route.ts";
import { noContent } from "./scalars.ts";

const getBackfill = defineRoute({
  method: "GET",
  path: "/api/channels/:channelId/backfills/:id",
  params: z.object({ channelId: z.string(), id: z.string() }),
  query: z.object({ limit: z.coerce.number<number | string>().optional() }),
  response: { 200: z.object({ id: z.string() }), 204: noContent },
});

describe("defineRoute", () => {
  it("returns the definition as given", () => {
    expect(getBackfill.method).toBe("GET");
    expect(getBackfill.path).toBe("/api/channels/:channelId/backfills/:id");
  });

  it("types what a call sends and what it gets back", () => {
    expectTypeOf<RequestOf<typeof getBackfill>["params"]>().toEqualTypeOf<{
      channelId: string;
      id: string;
    }>();
    expectTypeOf<ResponseOf<typeof getBackfill>>().toEqualTypeOf<{ id: string } | undefined>();
  });

  it("refuses a path placeholder without a params schema", () => {
    // @ts-expect-error `:id` has no params schema
    defineRoute({ method: "GET", path: "/api/things/:id", response: { 200: z.object({}) } });
    defineRoute({
      method: "GET",
      path: "/api/things/:id",
      // @ts-expect-error the schema doesn't give `id`
      params: z.object({ thingId: z.string() }),
      response: { 200: z.object({}) },
    });
  });
});

describe("routeUrl", () => {
  it("fills in the placeholders, URI-encoded", () => {
    expect(routeUrl(getBackfill, { channelId: "a/b c", id: "ü?#" })).toBe(
      "/api/channels/a%2Fb%20c/backfills/%C3%BC%3F%23",
    );
  });

  it("adds the query, leaving out what is undefined or null", () => {
    expect(
      routeUrl({ path: "/api/conversations" }, undefined, {
        limit: 50,
        cursor: undefined,
        ids: "a,b",
        gone: null,
      }),
    ).toBe("/api/conversations?limit=50&ids=a%2Cb");
  });

  it("leaves a path without placeholders as it is", () => {
    expect(routeUrl({ path: "/api/me" }, undefined)).toBe("/api/me");
  });

  it("refuses a missing or empty placeholder value", () => {
    expect(() => routeUrl(getBackfill, { channelId: "c" })).toThrow(/:id/);
    expect(() => routeUrl(getBackfill, { channelId: "", id: "x" })).toThrow(/:channelId/);
  });
});

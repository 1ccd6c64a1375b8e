import { describe, expect, it } from "vitest";
import {
  accountRoutes,
  actionRoutes,
  attentionRoutes,
  channelRoutes,
  conversationRoutes,
  inboxRoutes,
  outboxRoutes,
  readingRoutes,
  routes,
  syncRoutes,
} from "./index.ts";

describe("routes", () => {
  const groups = [
    accountRoutes,
    channelRoutes,
    inboxRoutes,
    conversationRoutes,
    readingRoutes,
    syncRoutes,
    actionRoutes,
    attentionRoutes,
    outboxRoutes,
  ];

  it("has every route of every module under its own name", () => {
    const names = groups.flatMap((group) => Object.keys(group));
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(routes).sort()).toEqual(names.sort());
  });

  it("declares each method and path once, under /api/", () => {
    const keys = Object.values(routes).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/api\//);
  });
});

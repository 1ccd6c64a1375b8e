import { routes } from "@mailroom/contract";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, CSRF_HEADER, callApi, onSessionEnded } from "./api.ts";

interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
}

let sent: Sent[] = [];
let answers: (() => Response)[] = [];

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });

const inbox = {
  id: "i1",
  name: "Support",
  description: "",
  color: "blue",
  visibility: "org",
  isDefault: false,
  channels: [],
  members: [],
};

beforeEach(() => {
  sent = [];
  answers = [];
  vi.stubGlobal("document", { cookie: "other=1; mailroom_csrf=token-1" });
  vi.stubGlobal("fetch", async (url: string, init: RequestInit = {}) => {
    sent.push({
      url,
      method: init.method ?? "GET",
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? init.body : undefined,
    });
    const next = answers.shift();
    if (!next) throw new TypeError("Failed to fetch");
    return next();
  });
  vi.spyOn(console, "error").mockImplementation(() => {});
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe("callApi", () => {
  it("builds the URL from the route's path, params (encoded) and query", async () => {
    answers.push(() => json(200, { conversations: [], nextCursor: null }));
    await callApi(routes.listInboxConversations, {
      params: { inboxId: "a/b c" },
      query: { limit: 50, cursor: undefined },
    });
    expect(sent[0]).toMatchObject({ url: "/api/inboxes/a%2Fb%20c/conversations?limit=50", method: "GET" });
    expect(sent[0]!.headers.has(CSRF_HEADER)).toBe(false);
  });

  it("sends the body as JSON with the CSRF token, and returns the answer its schema reads", async () => {
    answers.push(() => json(201, { inbox: { ...inbox, internal: "not in the contract" } }));
    const answer = await callApi(routes.createInbox, { body: { name: "Support" } });
    expect(answer).toEqual({ inbox });
    expect(sent[0]).toMatchObject({ url: "/api/inboxes", method: "POST", body: '{"name":"Support"}' });
    expect(sent[0]!.headers.get(CSRF_HEADER)).toBe("token-1");
    expect(sent[0]!.headers.get("content-type")).toBe("application/json");
  });

  it("answers undefined for a 204", async () => {
    answers.push(() => new Response(null, { status: 204 }));
    await expect(callApi(routes.deleteInbox, { params: { id: "i1" } })).resolves.toBeUndefined();
    expect(sent[0]).toMatchObject({ url: "/api/inboxes/i1", method: "DELETE" });
  });

  it("refuses an answer that doesn't match the route's schema", async () => {
    answers.push(() => json(200, { inboxes: [{ ...inbox, visibility: "everyone" }] }));
    const error = await callApi(routes.listInboxes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, code: "unexpected_response" });
  });

  it("refuses a success status the route doesn't declare", async () => {
    answers.push(() => json(200, { inbox }));
    await expect(callApi(routes.createInbox, { body: { name: "Support" } })).rejects.toMatchObject({
      code: "unexpected_response",
    });
  });

  it("turns a problem into an ApiError with its code, title and fields", async () => {
    const problem = {
      type: "https://mailroom.dev/problems/validation_failed",
      title: "Some fields are not valid",
      status: 400,
      code: "validation_failed",
      fields: [{ field: "name", message: "Give the inbox a name" }],
      requestId: "r1",
    };
    answers.push(() => json(400, problem, "application/problem+json"));
    const error = await callApi(routes.createInbox, { body: { name: "" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: "validation_failed",
      title: problem.title,
      requestId: "r1",
    });
    expect((error as ApiError).fieldErrors()).toEqual({ name: "Give the inbox a name" });
  });

  it("retries once when the CSRF cookie was refused, then gives up", async () => {
    const refused = () => json(403, { code: "csrf_failed", title: "Reload" }, "application/problem+json");
    answers.push(refused, () => new Response(null, { status: 204 }));
    await callApi(routes.deleteInbox, { params: { id: "i1" } });
    expect(sent).toHaveLength(2);
    answers.push(refused, refused);
    await expect(callApi(routes.deleteInbox, { params: { id: "i1" } })).rejects.toMatchObject({
      code: "csrf_failed",
    });
    expect(sent).toHaveLength(4);
  });

  it("tells the session listeners about a 401, except from the session probe", async () => {
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    const unauthenticated = () => json(401, { code: "unauthenticated", title: "Please log in" });
    answers.push(unauthenticated, unauthenticated);
    await expect(callApi(routes.getMe)).rejects.toMatchObject({ status: 401 });
    expect(ended).not.toHaveBeenCalled();
    await expect(callApi(routes.listInboxes)).rejects.toMatchObject({ code: "unauthenticated" });
    expect(ended).toHaveBeenCalledTimes(1);
    stop();
  });

  it("says the server can't be reached when the request fails", async () => {
    await expect(callApi(routes.listInboxes)).rejects.toMatchObject({ status: 0, code: "network" });
  });
});

import { routes } from "@mailroom/contract";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, CSRF_HEADER, callApi, errorMessage, onSessionEnded, postToAuth } from "./api.ts";

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

  it("reads an error without a problem body (a proxy's HTML page) by its status", async () => {
    const html = "<html><body>502 Bad Gateway</body></html>";
    answers.push(() => new Response(html, { status: 502, headers: { "content-type": "text/html" } }));
    await expect(callApi(routes.listInboxes)).rejects.toMatchObject({
      status: 502,
      code: "http_502",
      title: "Something went wrong on our side. Try again in a moment.",
      fields: [],
    });
    answers.push(() => new Response("slow down", { status: 429 }));
    await expect(callApi(routes.listInboxes)).rejects.toMatchObject({
      status: 429,
      code: "http_429",
      title: "Too many attempts, try again in a minute",
    });
  });

  it("reads a JSON body that doesn't parse as no body, not as a crash", async () => {
    const broken = () =>
      new Response('{"code": "not_fou', { status: 404, headers: { "content-type": "application/json" } });
    answers.push(broken);
    await expect(callApi(routes.getConversation, { params: { id: "c1" } })).rejects.toMatchObject({
      status: 404,
      code: "http_404",
      title: "Not found",
    });
    answers.push(
      () => new Response("{oops", { status: 200, headers: { "content-type": "application/json" } }),
    );
    await expect(callApi(routes.listInboxes)).rejects.toMatchObject({
      status: 200,
      code: "unexpected_response",
    });
  });

  it("takes a body's message when it has no title, and keeps only well-formed field issues", async () => {
    answers.push(() =>
      json(400, {
        message: "Body is not valid",
        fields: [
          { field: "name", message: "Too long" },
          { field: 3 },
          "email",
          { field: "name", message: "Later" },
        ],
      }),
    );
    const error = (await callApi(routes.createInbox, { body: { name: "x" } }).catch(
      (e: unknown) => e,
    )) as ApiError;
    expect(error).toMatchObject({ status: 400, code: "http_400", title: "Body is not valid" });
    expect(error.fields).toEqual([
      { field: "name", message: "Too long" },
      { field: "name", message: "Later" },
    ]);
    // The first message per field is the one shown.
    expect(error.fieldErrors()).toEqual({ name: "Too long" });
  });

  it("fetches a CSRF cookie first when there is none, and sends the one the server set", async () => {
    let cookie = "";
    vi.stubGlobal("document", {
      get cookie() {
        return cookie;
      },
    });
    answers.push(
      () => {
        cookie = "mailroom_csrf=fresh%2Btoken";
        return new Response(null, { status: 200 });
      },
      () => new Response(null, { status: 204 }),
    );
    await callApi(routes.deleteInbox, { params: { id: "i1" } });
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual(["GET /healthz", "DELETE /api/inboxes/i1"]);
    expect(sent[1]!.headers.get(CSRF_HEADER)).toBe("fresh+token");
  });

  it("does not end the session on a 401 from the login forms, and stops telling a listener that left", async () => {
    const ended = vi.fn();
    const stop = onSessionEnded(ended);
    const wrongPassword = () => json(401, { code: "invalid_credentials", title: "Wrong email or password" });
    answers.push(wrongPassword);
    await expect(
      postToAuth("/api/auth/sign-in/email", { email: "a@b.c", password: "x" }),
    ).rejects.toMatchObject({
      status: 401,
      title: "Wrong email or password",
    });
    expect(ended).not.toHaveBeenCalled();
    stop();
    answers.push(() => json(401, { code: "unauthenticated", title: "Please log in" }));
    await expect(callApi(routes.listInboxes)).rejects.toMatchObject({ status: 401 });
    expect(ended).not.toHaveBeenCalled();
  });

  it("gives people the error's title, and a generic sentence for anything else thrown", async () => {
    await expect(callApi(routes.listInboxes)).rejects.toSatisfy(
      (error) => errorMessage(error) === "Can't reach Mailroom. Check your connection and try again.",
    );
    expect(errorMessage(new TypeError("x is undefined"))).toBe("Something went wrong. Try again.");
  });
});

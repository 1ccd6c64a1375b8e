import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EXPOSED_AUTH_ENDPOINTS } from "../src/accounts/auth-proxy.ts";
import { type RegisteredRoute, registeredRoutes } from "../src/http/route-list.ts";
import { invite, join, MANY_USERS_ENV, memberId, PASSWORD, type Problem } from "./accounts-helpers.ts";
import type { TestClient } from "./harness.ts";
import {
  allFieldsBodies,
  HOSTILE_BODIES,
  HOSTILE_PARAMS,
  HOSTILE_QUERIES,
  HOSTILE_VALUES,
  type Json,
  mutations,
} from "./hostile-corpus.ts";
import { LogCapture } from "./log-capture.ts";
import { type ConnectedMailbox, startConnectedMailbox } from "./outlook-helpers.ts";

/**
 * Every registered route gets the hostile corpus (hostile-corpus.ts) — in its body, its path
 * parameters and its query string — signed in as the org's owner and signed out. No answer may be
 * a 5xx, every refusal is a problem+json, and nothing is logged at error level.
 */

const logs = new LogCapture("warn");
/** Libraries that print to the console (Better Auth's own logger) bypass the log: watched too. */
const consoleErrors = vi.spyOn(console, "error");
let mailbox: ConnectedMailbox;
const real: Record<string, string> = {};

beforeAll(async () => {
  mailbox = await startConnectedMailbox({
    env: MANY_USERS_ENV,
    logs,
    beforeConnect: async (admin, server) => {
      await join(server, admin, "agent@acme.test");
    },
  });
  const { admin, channelId, orgId } = mailbox;
  const inboxes = await admin.get<{ inboxes: { id: string; isDefault: boolean }[] }>("/api/inboxes");
  const backfill = await admin.post<{ backfill: { id: string } }>(`/api/channels/${channelId}/backfill`, {
    days: 7,
  });
  Object.assign(real, {
    orgId,
    channelId,
    inboxId: inboxes.body.inboxes.find((i) => i.isDefault)!.id,
    memberId: await memberId(admin, "agent@acme.test"),
    invitationId: (await invite(admin, "invitee@acme.test")).id,
    backfillId: backfill.body.backfill.id,
  });
}, 180_000);

afterAll(async () => {
  // Test files share a fork's modules (vitest.config.ts): the next file gets console.error back.
  consoleErrors.mockRestore();
  await mailbox?.server.close();
  await mailbox?.emulator.close();
});

/** Valid bodies of the routes that read one; each leaf is replaced in turn by every hostile value. */
function samples(): Record<string, Json> {
  return {
    "POST /api/orgs": { name: "Hostile Inc" },
    "POST /api/orgs/active": { orgId: real.orgId ?? "" },
    "POST /api/org/invitations": { email: "someone@acme.test", role: "member" },
    "PATCH /api/org/members/:memberId": { role: "member" },
    "POST /api/inboxes": {
      name: "Billing",
      description: "d",
      color: "blue",
      visibility: "org",
      memberIds: [],
    },
    "PATCH /api/inboxes/:id": { name: "Support", description: "d", memberIds: [] },
    "POST /api/conversations/:id/messages/:messageId/remote-images": { scope: "message" },
    "PATCH /api/channels/:id": {
      displayName: "Support",
      signature: "s",
      autoBcc: "a@b.test",
      undoSendSeconds: 5,
    },
    "POST /api/outlook/connect": { returnTo: "channels", credentials: "platform" },
    "PUT /api/outlook/credentials": {
      clientId: randomUUID(),
      clientSecret: "a secret value",
      tenant: "common",
      redirectUriConfirmed: true,
    },
    "POST /api/channels/:channelId/backfill": { days: 7 },
    "POST /api/outlook/webhook": {
      value: [{ subscriptionId: randomUUID(), clientState: "state", changeType: "created", resource: "r" }],
    },
    "POST /api/outlook/lifecycle": {
      value: [{ subscriptionId: randomUUID(), clientState: "state", lifecycleEvent: "missed" }],
    },
    "POST /api/auth/sign-up/email": { name: "Eve", email: "eve@acme.test", password: PASSWORD },
    "POST /api/auth/sign-in/email": { email: "owner@acme.test", password: PASSWORD },
    "POST /api/auth/change-password": { currentPassword: PASSWORD, newPassword: `${PASSWORD}!` },
  };
}

/** The owner's real ids for a route's parameters, so hostile bodies get past the lookups. */
function realParam(url: string, name: string): string {
  if (name === "id") {
    if (url.includes("/backfills/")) return real.backfillId!;
    if (url.startsWith("/api/channels")) return real.channelId!;
    if (url.startsWith("/api/inboxes")) return real.inboxId!;
    if (url.includes("invitations")) return real.invitationId!;
  }
  return real[name] ?? randomUUID();
}

interface Attempt {
  method: string;
  path: string;
  body?: string;
  label: string;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** fetch refuses these methods; Fastify registers them only on the catch-all auth route. */
const UNSENDABLE = new Set(["TRACE", "CONNECT"]);

/**
 * The concrete paths of a route: its parameters filled, a wildcard expanded into the paths it
 * serves (the auth proxy's endpoints, a page of the SPA) and hostile paths it also matches.
 */
function concretePaths(route: RegisteredRoute, fill: (name: string) => string) {
  const withParams = route.url.replace(/:(\w+)/g, (_, name: string) => fill(name));
  if (!withParams.endsWith("*")) return { served: [withParams], hostile: [] };
  const base = withParams.slice(0, -1);
  const hostile = [`${base}%00`, `${base}%ED%A0%80`, `${base}a%00/b`];
  if (route.url === "/api/auth/*") {
    const served = [...EXPOSED_AUTH_ENDPOINTS]
      .filter((e) => e.startsWith(`${route.method} `))
      .map((e) => `/api/auth${e.split(" ")[1]}`);
    return { served, hostile };
  }
  return { served: [`${base}settings/channels`], hostile };
}

function attemptsFor(route: RegisteredRoute): Attempt[] {
  const out: Attempt[] = [];
  const { method, url } = route;
  const takesBody = BODY_METHODS.has(method);
  // DELETE with the owner's real ids would remove what the rest of the run needs.
  const ids = (name: string) => (method === "DELETE" ? randomUUID() : realParam(url, name));
  const { served, hostile } = concretePaths(route, ids);
  for (const path of served) {
    // HEAD runs the GET handler: one hostile query is enough to see it answers at all.
    const queries = Object.entries(HOSTILE_QUERIES).slice(0, method === "HEAD" ? 1 : undefined);
    for (const [label, query] of queries)
      out.push({ method, path: `${path}?${query}`, label: `query:${label}` });
    if (!takesBody) continue;
    const bodies = {
      ...HOSTILE_BODIES,
      ...allFieldsBodies(),
      ...mutations(samples()[`${method} ${url}`] ?? samples()[`${method} ${path}`]),
    };
    for (const [label, body] of Object.entries(bodies))
      out.push({ method, path, body, label: `body:${label}` });
  }
  const hostileParams = url.includes(":")
    ? Object.entries(HOSTILE_PARAMS).map(([label, value]) => ({ label, path: url.replace(/:(\w+)/g, value) }))
    : hostile.map((path) => ({ label: "path", path }));
  for (const { label, path } of hostileParams) {
    out.push({ method, path, label: `param:${label}` });
    if (takesBody) out.push({ method, path, body: HOSTILE_VALUES.nul!, label: `param:${label}+nul` });
  }
  return out;
}

const ANSWER_WITHIN_MS = 60_000;

interface Answer {
  status: number;
  type: string;
  text: string;
}

/** One raw request from `client`'s cookie jar, with the CSRF header the SPA sends. */
async function send(client: TestClient, attempt: Attempt): Promise<Answer> {
  const headers = new Headers({ origin: client.baseUrl });
  if (client.cookies.size) headers.set("cookie", [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
  const csrf = client.cookies.get("mailroom_csrf");
  if (csrf) headers.set("x-csrf-token", csrf);
  if (attempt.body !== undefined) headers.set("content-type", "application/json");
  const abort = new AbortController();
  const res = await fetch(`${client.baseUrl}${attempt.path}`, {
    method: attempt.method,
    headers,
    redirect: "manual",
    // A request left hanging is a fault too: name it instead of waiting for undici's 5 minutes.
    signal: AbortSignal.any([abort.signal, AbortSignal.timeout(ANSWER_WITHIN_MS)]),
    ...(attempt.body !== undefined ? { body: attempt.body } : {}),
  });
  const type = res.headers.get("content-type") ?? "";
  // The live-event stream never ends: its status and headers are the answer.
  if (type.startsWith("text/event-stream")) {
    abort.abort();
    return { status: res.status, type, text: "" };
  }
  return { status: res.status, type, text: await res.text() };
}

/** What is wrong with an answer, if anything: a 5xx, or a refusal that isn't a problem+json. */
function fault(attempt: Attempt, answer: Answer): string | undefined {
  const where = `${attempt.method} ${attempt.path.slice(0, 120)} [${attempt.label}]`;
  if (answer.status >= 500) return `${where} → ${answer.status} ${answer.text.slice(0, 200)}`;
  if (answer.status < 400 || attempt.method === "HEAD") return undefined;
  if (!answer.type.startsWith("application/problem+json"))
    return `${where} → ${answer.status} as ${answer.type}`;
  const problem = JSON.parse(answer.text) as { status?: unknown; title?: unknown };
  if (problem.status !== answer.status || typeof problem.title !== "string" || !problem.title)
    return `${where} → ${answer.status} with an unclear problem ${answer.text.slice(0, 200)}`;
  return undefined;
}

/**
 * Runs the attempts a few at a time with one client, then the auth routes one by one with their
 * own client (a new one after each sign-out, which ends its session).
 */
async function run(client: () => Promise<TestClient>, attempts: Attempt[]): Promise<string[]> {
  const faults: string[] = [];
  const check = async (c: TestClient, a: Attempt) => {
    const answer = await send(c, a).catch((err: unknown) => err as Error);
    const problem =
      answer instanceof Error
        ? `${a.method} ${a.path.slice(0, 120)} [${a.label}] → no answer: ${answer.message}`
        : fault(a, answer);
    if (problem) faults.push(problem);
  };
  const isAuth = (a: Attempt) => a.path.startsWith("/api/auth/");
  const rest = attempts.filter((a) => !isAuth(a));
  const shared = await client();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < rest.length) await check(shared, rest[next++]!);
    }),
  );
  let authClient = await client();
  for (const a of attempts.filter(isAuth)) {
    await check(authClient, a);
    if (a.path.startsWith("/api/auth/sign-out")) authClient = await client();
  }
  return faults;
}

function allAttempts(): Attempt[] {
  const app = mailbox.server.mailroom.app!;
  const routes = registeredRoutes(app).filter((r) => !UNSENDABLE.has(r.method));
  return routes.flatMap(attemptsFor);
}

describe("hostile input on every route", () => {
  it("finds the routes to test", () => {
    const routes = registeredRoutes(mailbox.server.mailroom.app!).map((r) => `${r.method} ${r.url}`);
    expect(routes).toEqual(
      expect.arrayContaining([
        "POST /api/outlook/webhook",
        "POST /api/outlook/lifecycle",
        "GET /api/invitations/:id",
        "PATCH /api/channels/:id",
        "GET /api/events",
        "POST /api/auth/*",
        "GET /*",
      ]),
    );
  });

  it("never answers 5xx to a signed-in owner, and refuses with a problem", async () => {
    // The owner's own browser first; then new sessions of theirs for the auth routes.
    let clients = 0;
    const owner = async () => {
      if (clients++ === 0) return mailbox.admin;
      const client = mailbox.server.client();
      const res = await client.post("/api/auth/sign-in/email", {
        email: "owner@acme.test",
        password: PASSWORD,
      });
      expect(res.status).toBe(200);
      return client;
    };
    expect(await run(owner, allAttempts())).toEqual([]);
    // Still signed in: nothing in the corpus ended the owner's session or changed their org.
    const me = await mailbox.admin.get<{ org: { id: string } }>("/api/me");
    expect(me.status).toBe(200);
    expect(me.body.org.id).toBe(real.orgId);
  }, 900_000);

  it("never answers 5xx signed out, and refuses with a problem", async () => {
    const anonymous = async () => {
      const client = mailbox.server.client();
      await client.prime();
      return client;
    };
    expect(await run(anonymous, allAttempts())).toEqual([]);
  }, 900_000);

  it("names the field that holds what can't be stored", async () => {
    const anonymous = mailbox.server.client();
    const notification = await anonymous.post<Problem>("/api/outlook/webhook", {
      value: [{ subscriptionId: "a\u0000b", clientState: "x", changeType: "created" }],
    });
    expect(notification.status).toBe(400);
    expect(notification.body).toMatchObject({
      code: "validation_failed",
      fields: [{ field: "value.0.subscriptionId" }],
    });
    const org = await mailbox.admin.post<Problem>("/api/orgs", { name: "Acme\uD800" });
    expect(org.status).toBe(400);
    expect(org.body.fields).toEqual([
      { field: "name", message: "Contains an unpaired UTF-16 surrogate, which isn't valid text" },
    ]);
    const invitation = await anonymous.get<Problem>("/api/invitations/abc%00");
    expect(invitation.status).toBe(400);
    expect(invitation.body.fields?.[0]?.field).toBe("id");
    const token = await anonymous.post<Problem>("/api/outlook/webhook?validationToken=a%00b", {});
    expect(token.status).toBe(400);
    expect(token.body.fields?.[0]?.field).toBe("validationToken");
  });

  it("logged nothing at error level", () => {
    const errors = logs.atLeast("error").map((l) => `${l.msg} ${JSON.stringify(l.err ?? "").slice(0, 300)}`);
    expect(errors).toEqual([]);
    expect(consoleErrors.mock.calls.map((args) => args.map(String).join(" "))).toEqual([]);
  });
});

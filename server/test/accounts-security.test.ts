import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { account, session, user } from "../src/accounts/schema.ts";
import { createOrg, type MeBody, PASSWORD, type Problem, signUp } from "./accounts-helpers.ts";
import { startTestServer, type TestClient, type TestServer } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ LOGIN_RATE_LIMIT: "50" });
});
afterAll(async () => {
  await server?.close();
});

/** A POST with the client's cookies but CSRF header and Origin chosen by the test (null: left out). */
async function forgedPost(
  client: TestClient,
  pathname: string,
  body: unknown,
  csrf: string | null,
  origin: string | null,
) {
  await client.prime();
  const headers = new Headers({ "content-type": "application/json" });
  headers.set("cookie", [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
  if (csrf !== null) headers.set("x-csrf-token", csrf);
  if (origin !== null) headers.set("origin", origin);
  const res = await fetch(new URL(pathname, client.baseUrl), {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Problem };
}

function cookieNamed(setCookies: string[], name: RegExp): string {
  const found = setCookies.find((c) => name.test(c.split("=")[0] ?? ""));
  if (!found) throw new Error(`no ${name} cookie in ${JSON.stringify(setCookies)}`);
  return found;
}

describe("CSRF", () => {
  it("refuses a state-changing request without the token, with a wrong one or from a foreign origin", async () => {
    const client = await signUp(server, "csrf@sec.test");
    const token = client.cookies.get("mailroom_csrf")!;
    const attempts = [
      { csrf: null, origin: server.url },
      { csrf: "x".repeat(43), origin: server.url },
      { csrf: token, origin: "https://evil.example" },
    ];
    for (const { csrf, origin } of attempts) {
      const res = await forgedPost(client, "/api/orgs", { name: "Forged" }, csrf, origin);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("csrf_failed");
    }
    expect((await client.get<MeBody>("/api/me")).body.orgs).toEqual([]);
  });

  it("guards sign-in too (login CSRF)", async () => {
    const client = server.client();
    const res = await forgedPost(
      client,
      "/api/auth/sign-in/email",
      { email: "csrf@sec.test", password: PASSWORD },
      null,
      null,
    );
    expect(res.status).toBe(403);
    expect(client.cookies.has("mailroom.session_token")).toBe(false);
  });
});

describe("sign-up, login and logout", () => {
  it("sets an httpOnly, SameSite=Lax session cookie for the whole site, not Secure over http", async () => {
    const client = server.client();
    const res = await client.post("/api/auth/sign-up/email", {
      name: "C",
      email: "cookie@sec.test",
      password: PASSWORD,
    });
    const cookie = cookieNamed(res.setCookies, /^mailroom\.session_token$/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    expect(cookie).toMatch(/; Max-Age=2592000/); // SESSION_DAYS=30
  });

  it("refuses a weak password, naming the field, and creates no account", async () => {
    const client = server.client();
    const res = await client.post<Problem>("/api/auth/sign-up/email", {
      name: "W",
      email: "weak@sec.test",
      password: "short",
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("validation_failed");
    expect(res.body.fields).toEqual([{ field: "password", message: "Use at least 10 characters" }]);
    const rows = await server.database.db.select().from(user).where(eq(user.email, "weak@sec.test"));
    expect(rows).toEqual([]);
  });

  it("refuses a second account with the same email", async () => {
    await signUp(server, "twice@sec.test");
    const res = await server.client().post<Problem>("/api/auth/sign-up/email", {
      name: "Again",
      email: "Twice@sec.test",
      password: PASSWORD,
    });
    expect(res.status).toBe(409);
    expect(res.body.fields?.[0]?.field).toBe("email");
  });

  it("answers a wrong password and an unknown email with the same 401", async () => {
    await signUp(server, "known@sec.test");
    const wrong = await server
      .client()
      .post<Problem>("/api/auth/sign-in/email", { email: "known@sec.test", password: "not the password" });
    const unknown = await server
      .client()
      .post<Problem>("/api/auth/sign-in/email", { email: "nobody@sec.test", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const { requestId: _a, ...wrongBody } = wrong.body as Problem & { requestId: string };
    const { requestId: _b, ...unknownBody } = unknown.body as Problem & { requestId: string };
    expect(wrongBody).toEqual(unknownBody);
    expect(wrongBody.title).toBe("Wrong email or password");
  });

  it("logs in and out, and a logged-out session cookie no longer works", async () => {
    await signUp(server, "logout@sec.test");
    const client = server.client();
    const login = await client.post("/api/auth/sign-in/email", {
      email: "logout@sec.test",
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const stolen = new Map(client.cookies);
    expect((await client.get("/api/me")).status).toBe(200);

    expect((await client.post("/api/auth/sign-out")).status).toBe(200);
    expect((await client.get("/api/me")).status).toBe(401);
    const replay = server.client();
    for (const [k, v] of stolen) replay.cookies.set(k, v);
    expect((await replay.get("/api/me")).status).toBe(401);
  });

  it("never sends the password hash or the raw session token", async () => {
    const client = server.client();
    const bodies: string[] = [];
    const record = async (p: Promise<{ body: unknown }>) => bodies.push(JSON.stringify((await p).body));
    await record(
      client.post("/api/auth/sign-up/email", { name: "H", email: "hash@sec.test", password: PASSWORD }),
    );
    await record(client.post("/api/auth/sign-in/email", { email: "hash@sec.test", password: PASSWORD }));
    await createOrg(client, "Hashless");
    await record(client.get("/api/auth/get-session"));
    await record(client.get("/api/me"));
    await record(client.get("/api/org/members"));

    const [row] = await server.database.db
      .select({ hash: account.password, userId: account.userId })
      .from(account)
      .innerJoin(user, eq(user.id, account.userId))
      .where(eq(user.email, "hash@sec.test"));
    const sessions = await server.database.db
      .select({ token: session.token })
      .from(session)
      .where(eq(session.userId, row!.userId));
    const secrets = [row!.hash!, ...row!.hash!.split(":"), ...sessions.map((s) => s.token)];
    for (const body of bodies) for (const secret of secrets) expect(body).not.toContain(secret);
    expect(bodies.join()).not.toMatch(/"(password|token)"/);
  });

  it("keeps Better Auth's organization endpoints and unused features unreachable", async () => {
    const client = await signUp(server, "blocked@sec.test");
    const blocked = [
      client.post("/api/auth/organization/create", { name: "Side door", slug: "side-door" }),
      client.get("/api/auth/organization/list"),
      client.post("/api/auth/organization/invite-member", { email: "x@sec.test", role: "owner" }),
      client.get("/api/auth/list-sessions"),
      client.post("/api/auth/request-password-reset", { email: "blocked@sec.test" }),
    ];
    for (const res of await Promise.all(blocked)) expect(res.status).toBe(404);
    expect((await client.get<MeBody>("/api/me")).body.orgs).toEqual([]);
  });
});

describe("login rate limiting", () => {
  it("answers 429 after the configured number of attempts, even with the right password", async () => {
    const limited = await startTestServer({ LOGIN_RATE_LIMIT: "3", LOGIN_RATE_WINDOW_SECONDS: "60" });
    try {
      await signUp(limited, "target@sec.test");
      const attempt = (password: string) =>
        limited.client().post<Problem>("/api/auth/sign-in/email", { email: "target@sec.test", password });
      for (let i = 0; i < 3; i++) expect((await attempt("wrong password!")).status).toBe(401);
      const refused = await attempt("wrong password!");
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe("rate_limited");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((await attempt(PASSWORD)).status).toBe(429);
    } finally {
      await limited.close();
    }
  });
});

describe("behind https", () => {
  it("marks the session and CSRF cookies Secure", async () => {
    const origin = "https://mailroom.example";
    const https = await startTestServer({ PUBLIC_URL: origin });
    try {
      const client = https.client();
      const res = await client.post(
        "/api/auth/sign-up/email",
        { name: "S", email: "secure@sec.test", password: PASSWORD },
        { headers: { origin } },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const sessionCookie = cookieNamed(res.setCookies, /session_token$/);
      expect(sessionCookie).toMatch(/; Secure/);
      expect(sessionCookie).toMatch(/; HttpOnly/);
      expect(sessionCookie).toMatch(/; SameSite=Lax/);
      const csrf = await https.client().get("/healthz");
      expect(cookieNamed(csrf.setCookies, /^mailroom_csrf$/)).toMatch(/; Secure/);
    } finally {
      await https.close();
    }
  });
});

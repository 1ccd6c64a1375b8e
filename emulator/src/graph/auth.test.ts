import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_IDS } from "../seed/default.ts";
import type { Emulator } from "../server.ts";
import { ACCESS_DENIED } from "./auth.ts";
import { appToken, graph, json, startEmulator, userToken } from "./testing.ts";

interface ErrorBody {
  error: { code: string; message: string };
}

describe("Graph authentication and authorization", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it("answers a request without a token with 401 InvalidAuthenticationToken and a Bearer challenge", async () => {
    const response = await graph(emulator, "me");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="", authorization_uri=/);
    expect(await json<ErrorBody>(response)).toMatchObject({
      error: { code: "InvalidAuthenticationToken", message: "Access token is empty." },
    });
  });

  it("rejects a malformed token and an expired one with Graph's messages", async () => {
    const malformed = await json<ErrorBody>(await graph(emulator, "me", { token: "not-a-jwt" }));
    expect(malformed.error.message).toMatch(/^IDX14100/);
    const token = userToken(emulator, "support");
    emulator.clock.advance(2 * 60 * 60_000);
    const expired = await graph(emulator, "me/messages", { token });
    expect(expired.status).toBe(401);
    expect((await json<ErrorBody>(expired)).error.message).toBe(
      "Lifetime validation failed, the token is expired.",
    );
  });

  it("lets a delegated token read its own mailbox through /me and /users/{self}", async () => {
    const token = userToken(emulator, "support");
    expect((await graph(emulator, "me/mailFolders/inbox", { token })).status).toBe(200);
    expect((await graph(emulator, "users/support@contoso.com/mailFolders/inbox", { token })).status).toBe(
      200,
    );
  });

  it("denies a delegated token another user's mailbox with ErrorAccessDenied", async () => {
    const response = await graph(emulator, `users/${SEED_IDS.users.alex}/messages`, {
      token: userToken(emulator, "support"),
    });
    expect(response.status).toBe(403);
    expect(await json<ErrorBody>(response)).toMatchObject({
      error: { code: "ErrorAccessDenied", message: ACCESS_DENIED },
    });
  });

  it("needs Mail.ReadWrite to change mail and Mail.Send to send", async () => {
    const readOnly = userToken(emulator, "support", ["User.Read", "Mail.Read"]);
    expect((await graph(emulator, "me/messages?$top=1", { token: readOnly })).status).toBe(200);
    const created = await graph(emulator, "me/messages", {
      method: "POST",
      token: readOnly,
      body: { subject: "x" },
    });
    expect(created.status).toBe(403);
    const send = await graph(emulator, "me/sendMail", {
      method: "POST",
      token: userToken(emulator, "support", ["Mail.ReadWrite"]),
      body: { message: { subject: "x", toRecipients: [{ emailAddress: { address: "a@b.example" } }] } },
    });
    expect(send.status).toBe(403);
  });

  it("needs User.Read for the /me profile", async () => {
    const response = await graph(emulator, "me", { token: userToken(emulator, "support", ["Mail.Read"]) });
    expect(response.status).toBe(403);
    expect((await json<ErrorBody>(response)).error.code).toBe("Authorization_RequestDenied");
  });

  it("answers /me for an app-only token with 400 as Graph does, and serves /users/{id}", async () => {
    const token = appToken(emulator, SEED_IDS.tenants.contoso);
    const me = await graph(emulator, "me/messages", { token });
    expect(me.status).toBe(400);
    expect((await json<ErrorBody>(me)).error.message).toBe(
      "/me request is only valid with delegated authentication flow.",
    );
    expect((await graph(emulator, `users/${SEED_IDS.users.alex}/mailFolders/inbox`, { token })).status).toBe(
      200,
    );
  });

  it("does not let an app-only token reach a mailbox of another tenant", async () => {
    const token = appToken(emulator, SEED_IDS.tenants.contoso);
    const response = await graph(emulator, `users/${SEED_IDS.users.customer}/messages`, { token });
    expect(response.status).toBe(404);
    expect((await json<ErrorBody>(response)).error.code).toBe("ErrorInvalidUser");
  });
});

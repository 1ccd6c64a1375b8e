import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { remindSecretExpiries } from "../src/channels/secret-reminders.ts";
import { createOrg, join, signUp } from "./accounts-helpers.ts";
import { startTestServer, type TestClient, type TestServer } from "./harness.ts";
import type { ReceivedEvent } from "./sse.ts";
import { listenToEvents } from "./sse.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Issue 12, BYOC secret lifecycle: the form's expiry date is kept, and the daily job reminds the
 * org's admins 30, 7 and 1 days before — once each, with the clock moved to each day.
 */
const DAY = 24 * 3600_000;
let server: TestServer;
let admin: TestClient;
let member: TestClient;
const EXPIRES_ON = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);
const EXPIRES_AT = new Date(`${EXPIRES_ON}T23:59:59Z`).getTime();

beforeAll(async () => {
  server = await startTestServer();
  admin = await signUp(server, "admin@secret.test");
  await createOrg(admin, "Secret Co");
  member = await join(server, admin, "agent@secret.test");
});

afterAll(async () => {
  await server?.close();
});

const save = (body: Record<string, unknown>) =>
  admin.put<{ credentials: { secretExpiresAt: string | null }; title?: string }>("/api/outlook/credentials", {
    clientId: "1b2c3d4e-1111-2222-3333-444455556666",
    clientSecret: "abc8Q~a-secret-value-of-forty-characters-",
    redirectUriConfirmed: true,
    ...body,
  });

type Secret = { daysLeft: number; expiresAt: string } | null;
const secretSeenBy = async (client: TestClient) =>
  (await client.get<{ secret: Secret }>("/api/channels/attention")).body.secret;

/** The job as the day `daysBefore` the expiry (at noon UTC) would run it. */
const runOn = (daysBefore: number, hours = 12) =>
  remindSecretExpiries(
    { db: server.database.db, events: server.mailroom.events, config: server.mailroom.config },
    new Date(EXPIRES_AT - daysBefore * DAY - hours * 3600_000),
  );

describe("BYOC client secret expiry", () => {
  it("asks for a real date, and refuses one already past", async () => {
    const past = await save({ secretExpiresOn: "2020-01-31" });
    expect(past.status).toBe(400);
    expect(JSON.stringify(past.body)).toContain("already expired");
    expect((await save({ secretExpiresOn: "31/01/2030" })).status).toBe(400);
    const saved = await save({ secretExpiresOn: EXPIRES_ON });
    expect(saved.status).toBe(200);
    expect(saved.body.credentials.secretExpiresAt).toBe(new Date(EXPIRES_AT).toISOString());
  });

  it("reminds admins at 30, 7 and 1 days before, once each, live", async () => {
    const stream = await listenToEvents(admin, server.url);
    const seen = (events: ReceivedEvent[]) => events.filter((e) => e.type === "channels.updated").length;
    try {
      expect(await runOn(31)).toBe(0);
      expect(await secretSeenBy(admin)).toBeNull();

      const before = seen(stream.events);
      expect(await runOn(30)).toBe(1);
      expect(await runOn(30, 2)).toBe(0);
      await waitFor(() => seen(stream.events) > before, { what: "the live nudge" });
      expect(await secretSeenBy(admin)).toMatchObject({ expiresAt: new Date(EXPIRES_AT).toISOString() });
      expect(await secretSeenBy(member)).toBeNull();

      expect(await runOn(20)).toBe(0);
      expect(await runOn(7)).toBe(1);
      expect(await runOn(6)).toBe(0);
      expect(await runOn(1)).toBe(1);
      expect(await runOn(0, 1)).toBe(0);
      expect(await runOn(-1)).toBe(0);
    } finally {
      stream.close();
    }
  });

  it("starts over for a new secret with a new date", async () => {
    const later = new Date(EXPIRES_AT + 400 * DAY).toISOString().slice(0, 10);
    expect(
      (await save({ clientSecret: "xyz8Q~another-secret-value-forty-chars--", secretExpiresOn: later }))
        .status,
    ).toBe(200);
    expect(await secretSeenBy(admin)).toBeNull();
    const laterAt = new Date(`${later}T23:59:59Z`).getTime();
    expect(
      await remindSecretExpiries(
        { db: server.database.db, events: server.mailroom.events, config: server.mailroom.config },
        new Date(laterAt - 7 * DAY),
      ),
    ).toBe(1);
  });
});

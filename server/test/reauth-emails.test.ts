import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/src/index.ts";
import { emulatorFetch } from "../../emulator/src/testing/emulator-fetch.ts";
import { remindSecretExpiries } from "../src/channels/secret-reminders.ts";
import { sendEmails } from "../src/email/send-email.ts";
import { runSyncChannelJob } from "../src/sync/delta/sync-jobs.ts";
import { join } from "./accounts-helpers.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { LogCapture } from "./log-capture.ts";
import { cancelWaitingSweeps, SUPPORT, startConnectedMailbox, syncAtRest } from "./outlook-helpers.ts";
import { channelRow, jobDeps } from "./reauth-helpers.ts";
import { type SmtpSink, startSmtpSink } from "./smtp-sink.ts";
import { waitFor } from "./wait-for.ts";

/**
 * Issue 12 item 6: where the operator configured SMTP (SMTP_URL, SMTP_FROM), the org's owners and
 * admins — not its members — also get an email when a channel newly needs reconnecting (once per
 * breakage, however many sweeps look) and for each BYOC secret-expiry reminder. Without SMTP, none
 * is sent and nothing fails. A real SMTP server (smtp-server) on loopback receives them.
 */
const SWEEP_MS = 15 * 60_000;
const DAY = 24 * 3600_000;
const FROM = "mailroom@acme.test";
const ADMINS = ["admin@acme.test", "owner@acme.test"];
let sink: SmtpSink;
let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let channelId: string;
const logs = new LogCapture("info");

beforeAll(async () => {
  sink = await startSmtpSink();
  ({ emulator, server, admin, channelId } = await startConnectedMailbox({
    env: { SMTP_URL: sink.url, SMTP_FROM: `Mailroom <${FROM}>` },
    logs,
    beforeConnect: async (owner, s) => {
      await join(s, owner, "admin@acme.test", "admin");
      await join(s, owner, "agent@acme.test", "member");
    },
  }));
  await syncAtRest(server.database.db, channelId);
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
  await sink?.close();
});

/** What one sweep interval does for the channel: the clock moves on and the sweep's job runs. */
async function oneSweep(s: TestServer, id: string): Promise<void> {
  emulator.clock.advance(SWEEP_MS);
  await cancelWaitingSweeps(s, id);
  await runSyncChannelJob(jobDeps(s), { channelId: id, reason: "sweep" });
}

const recipients = (emails: SmtpSink["received"]) => emails.flatMap((e) => e.to).sort();

describe("admin emails where SMTP is configured", () => {
  it("a revoked consent: exactly one email to each admin, none to members, naming the mailbox", async () => {
    const { clientId } = await channelRow(server.database.db, channelId);
    const revoked = await emulatorFetch(emulator, `/_emulator/users/${SUPPORT.login}/consents/${clientId}`, {
      method: "DELETE",
    });
    expect(revoked.status).toBe(204);
    await oneSweep(server, channelId);
    expect((await channelRow(server.database.db, channelId)).status).toBe("needs_reauth");
    await waitFor(() => sink.received.length >= ADMINS.length, { what: "the admins' emails" });

    // More sweeps look at the same breakage: no more email.
    await oneSweep(server, channelId);
    await oneSweep(server, channelId);
    expect(recipients(sink.received)).toEqual(ADMINS);
    for (const email of sink.received) {
      expect(email.from).toBe(FROM);
      expect(email.to).toHaveLength(1);
      expect(email.subject).toBe(`Reconnect ${SUPPORT.login} in Mailroom`);
      expect(email.text).toContain(`The mailbox ${SUPPORT.login} has stopped syncing in Mailroom`);
      expect(email.text).toContain("access to the mailbox was removed");
      expect(email.text).toContain(`${server.url}/settings/channels/${channelId}\r\n`);
    }
    const raw = logs.raw.join("\n");
    expect(raw).not.toContain(sink.password);
  });

  it("a secret-expiry reminder: one email to each admin, with the steps and the credentials page", async () => {
    sink.received.length = 0;
    const expiresOn = new Date(Date.now() + 60 * DAY).toISOString().slice(0, 10);
    const saved = await admin.put("/api/outlook/credentials", {
      clientId: "1b2c3d4e-1111-2222-3333-444455556666",
      clientSecret: "abc8Q~a-secret-value-of-forty-characters-",
      redirectUriConfirmed: true,
      secretExpiresOn: expiresOn,
    });
    expect(saved.status).toBe(200);
    const expiresAt = new Date(`${expiresOn}T23:59:59Z`).getTime();
    const deps = { db: server.database.db, events: server.mailroom.events, config: server.mailroom.config };
    const on = (daysBefore: number) => new Date(expiresAt - daysBefore * DAY - 12 * 3600_000);

    expect(await remindSecretExpiries(deps, on(30))).toBe(1);
    expect(await remindSecretExpiries(deps, on(29))).toBe(0);
    expect(recipients(sink.received)).toEqual(ADMINS);
    for (const email of sink.received) {
      expect(email.subject).toBe("Your Azure app's client secret expires in 31 days");
      expect(email.text).toContain(`(${expiresOn})`);
      expect(email.text).toContain("Certificates & secrets");
      expect(email.text).toContain(`${server.url}/settings/channels/credentials\r\n`);
    }
  });

  it("a send that fails is logged at warn without the password, and returns nothing sent", async () => {
    const wrong = sink.url.replace(sink.password, "not-the-password");
    const warnings: unknown[] = [];
    const logger = { warn: (obj: unknown) => void warnings.push(obj) };
    const sent = await sendEmails({ config: { smtp: { url: wrong, from: FROM } }, logger }, [
      { to: "owner@acme.test", subject: "x", text: "y" },
    ]);
    expect(sent).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).not.toContain("not-the-password");
    // Nothing listens on a closed port: the same, quickly, without throwing.
    const closed = await startSmtpSink();
    await closed.close();
    expect(
      await sendEmails({ config: { smtp: { url: closed.url, from: FROM } }, logger }, [
        { to: "owner@acme.test", subject: "x", text: "y" },
      ]),
    ).toBe(0);
    expect(JSON.stringify(warnings)).not.toContain(closed.password);
  });
});

describe("without SMTP", () => {
  it("a channel that needs reconnecting sends no email and nothing fails", async () => {
    const quiet = new LogCapture("warn");
    // A second server on the same emulator, with no SMTP_URL: the same mailbox, its own app's consent.
    const other = await startConnectedMailbox({ emulator, logs: quiet });
    try {
      await syncAtRest(other.server.database.db, other.channelId);
      const before = sink.received.length;
      const { clientId } = await channelRow(other.server.database.db, other.channelId);
      await emulatorFetch(emulator, `/_emulator/users/${SUPPORT.login}/consents/${clientId}`, {
        method: "DELETE",
      });
      await oneSweep(other.server, other.channelId);
      expect((await channelRow(other.server.database.db, other.channelId)).status).toBe("needs_reauth");
      expect(sink.received.length).toBe(before);
      expect(quiet.atLeast("warn").filter((l) => /email/i.test(l.msg ?? ""))).toEqual([]);
    } finally {
      await other.server.close();
    }
  });
});

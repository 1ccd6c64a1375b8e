import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { graph, json, type MessageJson, type Page, startEmulator, userToken } from "./testing.ts";

const PIXEL =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("Graph control API", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  it("creates a mailbox with aliases that receives mail at them", async () => {
    const created = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes",
      jsonInit("POST", {
        tenant: "contoso.com",
        userPrincipalName: "sales@contoso.com",
        displayName: "Sales",
        aliases: ["deals@contoso.com"],
      }),
    );
    expect(created.status).toBe(201);
    const mailbox = (await created.json()) as { id: string; proxyAddresses: string[] };
    expect(mailbox.proxyAddresses).toEqual(["SMTP:sales@contoso.com", "smtp:deals@contoso.com"]);
    const delivered = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes/deals@contoso.com/inbound",
      jsonInit("POST", { from: "someone@outside.example", subject: "Deal", text: "hi" }),
    );
    expect(delivered.status).toBe(201);
    const token = userToken(emulator, mailbox.id);
    const inbox = await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages", { token }));
    expect(inbox.value.map((m) => m.subject)).toEqual(["Deal"]);
  });

  it("delivers inbound HTML with an attachment and an inline image, threaded by inReplyTo", async () => {
    const token = userToken(emulator, "support");
    const [parent] = (
      await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token }))
    ).value;
    const response = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes/support@contoso.com/inbound",
      jsonInit("POST", {
        from: { name: "Dana Whitfield", address: "customer@fabrikam.com" },
        subject: `RE: ${parent!.subject}`,
        html: '<p>See the logo <img src="cid:logo"></p>',
        inReplyTo: parent!.internetMessageId,
        attachments: [
          {
            name: "logo.png",
            contentType: "image/png",
            contentBase64: PIXEL,
            inline: true,
            contentId: "logo",
          },
          {
            name: "notes.txt",
            contentType: "text/plain",
            contentBase64: Buffer.from("notes").toString("base64"),
          },
        ],
      }),
    );
    const { id, conversationId } = (await response.json()) as { id: string; conversationId: string };
    expect(conversationId).toBe(parent!.conversationId);
    const message = await json<MessageJson>(
      await graph(emulator, `me/messages/${id}?$expand=attachments`, { token }),
    );
    expect(message.body).toMatchObject({ contentType: "html" });
    expect(message.hasAttachments).toBe(true);
    expect(message.attachments).toEqual([
      expect.objectContaining({ name: "logo.png", isInline: true, contentId: "logo" }),
      expect.objectContaining({ name: "notes.txt", isInline: false }),
    ]);
  });

  it("refuses inbound mail without a body and for an unknown mailbox", async () => {
    const noBody = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes/support@contoso.com/inbound",
      jsonInit("POST", { from: "a@b.example" }),
    );
    expect(noBody.status).toBe(400);
    const unknown = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes/nobody@x.example/inbound",
      jsonInit("POST", { from: "a@b.example", text: "x" }),
    );
    expect(unknown.status).toBe(404);
  });

  it("toggles a tenant's SendFromAliasEnabled", async () => {
    const response = await emulatorFetch(
      emulator,
      "/_emulator/tenants/fabrikam.com/send-from-alias",
      jsonInit("POST", { enabled: true }),
    );
    expect(await response.json()).toMatchObject({ domain: "fabrikam.com", sendFromAliasEnabled: true });
    expect(emulator.store.tenant("fabrikam.com")!.sendFromAliasEnabled).toBe(true);
  });

  it("lists a mailbox's stored messages and every mailbox with counts", async () => {
    const messages = (await (
      await emulatorFetch(emulator, "/_emulator/mailboxes/support@contoso.com/messages?folder=inbox")
    ).json()) as {
      value: { folder: string; internetMessageHeaders: unknown[] }[];
    };
    expect(messages.value.length).toBeGreaterThan(0);
    expect(messages.value.every((m) => m.folder === "inbox")).toBe(true);
    const list = (await (await emulatorFetch(emulator, "/_emulator/mailboxes")).json()) as {
      value: { userPrincipalName: string; totalItemCount: number }[];
    };
    expect(
      list.value.find((m) => m.userPrincipalName === "support@contoso.com")!.totalItemCount,
    ).toBeGreaterThan(0);
  });

  it("clears the external outbound sink", async () => {
    const token = userToken(emulator, "support");
    await graph(emulator, "me/sendMail", {
      token,
      method: "POST",
      body: {
        message: { subject: "out", toRecipients: [{ emailAddress: { address: "x@outside.example" } }] },
      },
    });
    const before = (await (
      await emulatorFetch(emulator, "/_emulator/outbound?to=x@outside.example")
    ).json()) as { value: unknown[] };
    expect(before.value).toHaveLength(1);
    expect((await emulatorFetch(emulator, "/_emulator/outbound/clear", { method: "POST" })).status).toBe(204);
    const after = (await (await emulatorFetch(emulator, "/_emulator/outbound")).json()) as {
      value: unknown[];
    };
    expect(after.value).toEqual([]);
  });

  it("serves a demo page listing mailboxes whose form delivers a message", async () => {
    const page = await emulatorFetch(emulator, "/_emulator/");
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("support@contoso.com");
    const mailboxId = emulator.store.mailbox("alex@contoso.com")!.id;
    const posted = await emulatorFetch(emulator, "/_emulator/demo/send", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        mailbox: mailboxId,
        from: "Demo <demo@outside.example>",
        subject: "From the page",
        text: "hello",
      }).toString(),
      redirect: "manual",
    });
    expect(posted.status).toBe(303);
    const inbox = await json<Page>(
      await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token: userToken(emulator, "alex") }),
    );
    expect(inbox.value[0]!.subject).toBe("From the page");
  });
});

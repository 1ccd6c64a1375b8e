import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import { graph, json, type MessageJson, type Page, startEmulator, userToken } from "./testing.ts";

interface Outbound {
  recipients: string[];
  subject: string;
  inReplyTo: string | null;
  internetMessageId: string;
}
const header = (message: MessageJson, name: string) =>
  message.internetMessageHeaders?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

describe("sending mail", () => {
  let emulator: Emulator;
  let support: string;
  let customer: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    support = userToken(emulator, "support");
    customer = userToken(emulator, "customer");
  });
  afterEach(async () => {
    emulator.reset();
  });
  afterAll(() => emulator.close());

  const latestInbox = async (token: string) =>
    (
      await json<Page>(
        await graph(
          emulator,
          "me/mailFolders/inbox/messages?$top=1&$select=subject,conversationId,internetMessageId,internetMessageHeaders,from,toRecipients,body",
          { token },
        ),
      )
    ).value[0]!;

  it("createReply makes a threaded draft that, once sent, lands in the other mailbox's conversation", async () => {
    const parent = await latestInbox(support);
    expect(parent.from?.emailAddress.address).toBe("customer@fabrikam.com");
    const draftResponse = await graph(emulator, `me/messages/${parent.id}/createReply`, {
      token: support,
      method: "POST",
      body: { comment: "Thanks!" },
    });
    expect(draftResponse.status).toBe(201);
    const draft = await json<MessageJson>(draftResponse);
    expect(draft.subject).toMatch(/^RE: /);
    expect(draft.toRecipients.map((r) => r.emailAddress.address)).toEqual(["customer@fabrikam.com"]);
    expect(draft.body.content).toContain("Thanks!");
    expect(draft.body.content).toContain("divRplyFwdMsg");
    expect(draft.conversationId).toBe(parent.conversationId);
    const customerParent = (
      await json<Page>(
        await graph(
          emulator,
          `me/messages?$filter=internetMessageId eq '${parent.internetMessageId}'&$select=conversationId`,
          { token: customer },
        ),
      )
    ).value[0];

    const sent = await graph(emulator, `me/messages/${draft.id}/send`, { token: support, method: "POST" });
    expect(sent.status).toBe(202);
    const inSent = await json<MessageJson>(
      await graph(
        emulator,
        `me/messages/${draft.id}?$select=isDraft,parentFolderId,sentDateTime,internetMessageHeaders`,
        { token: support },
      ),
    );
    expect(inSent.isDraft).toBe(false);
    const sentItems = await json<{ id: string }>(
      await graph(emulator, "me/mailFolders/sentitems", { token: support }),
    );
    expect(inSent.parentFolderId).toBe(sentItems.id);

    const arrived = await latestInbox(customer);
    expect(arrived.subject).toBe(draft.subject);
    expect(arrived.internetMessageId).toBe(draft.internetMessageId);
    expect(header(arrived, "In-Reply-To")).toBe(parent.internetMessageId);
    expect(header(arrived, "References")).toContain(parent.internetMessageId);
    expect(arrived.conversationId).toBe(customerParent!.conversationId);
  });

  it("reply with a comment sends at once (202) and replyAll drops the mailbox's own addresses", async () => {
    const parent = await latestInbox(support);
    const draft = await json<MessageJson>(
      await graph(emulator, `me/messages/${parent.id}/createReplyAll`, { token: support, method: "POST" }),
    );
    const addresses = [...draft.toRecipients, ...draft.ccRecipients].map((r) =>
      r.emailAddress.address.toLowerCase(),
    );
    expect(addresses).not.toContain("support@contoso.com");
    expect(addresses).not.toContain("help@contoso.com");
    const reply = await graph(emulator, `me/messages/${parent.id}/reply`, {
      token: support,
      method: "POST",
      body: { comment: "On it." },
    });
    expect(reply.status).toBe(202);
    expect((await latestInbox(customer)).body.content).toContain("On it.");
  });

  it("sendMail delivers to emulated mailboxes by alias and to the external sink, with a Sent Items copy", async () => {
    await emulatorFetch(emulator, "/_emulator/outbound/clear", { method: "POST" });
    const response = await graph(emulator, "me/sendMail", {
      token: customer,
      method: "POST",
      body: {
        message: {
          subject: "Hello billing",
          body: { contentType: "Text", content: "Question about my invoice" },
          toRecipients: [{ emailAddress: { address: "billing@contoso.com" } }],
          ccRecipients: [{ emailAddress: { address: "someone@elsewhere.example" } }],
          internetMessageHeaders: [{ name: "x-ticket", value: "42" }],
        },
      },
    });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("");
    const arrived = await latestInbox(support);
    expect(arrived.subject).toBe("Hello billing");
    expect(header(arrived, "x-ticket")).toBe("42");
    const outbound = (await (await emulatorFetch(emulator, "/_emulator/outbound")).json()) as {
      value: Outbound[];
    };
    expect(outbound.value).toEqual([
      expect.objectContaining({ recipients: ["someone@elsewhere.example"], subject: "Hello billing" }),
    ]);
    const sent = (
      await json<Page>(await graph(emulator, "me/mailFolders/sentitems/messages?$top=1", { token: customer }))
    ).value[0]!;
    expect(sent.subject).toBe("Hello billing");
  });

  it("rejects internetMessageHeaders that are not x- headers", async () => {
    const response = await graph(emulator, "me/sendMail", {
      token: customer,
      method: "POST",
      body: {
        message: {
          subject: "x",
          toRecipients: [{ emailAddress: { address: "a@b.example" } }],
          internetMessageHeaders: [{ name: "In-Reply-To", value: "<a@b>" }],
        },
      },
    });
    expect(response.status).toBe(400);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe(
      "InvalidInternetMessageHeader",
    );
  });

  it("honours from = alias when SendFromAliasEnabled, rewrites it to the primary address without, and denies other addresses", async () => {
    const message = (from: string, subject = "From alias") => ({
      message: {
        subject,
        from: { emailAddress: { address: from } },
        toRecipients: [{ emailAddress: { address: "customer@fabrikam.com" } }],
      },
    });
    expect(
      (
        await graph(emulator, "me/sendMail", {
          token: support,
          method: "POST",
          body: message("help@contoso.com"),
        })
      ).status,
    ).toBe(202);
    const arrived = await latestInbox(customer);
    expect(arrived.from?.emailAddress.address).toBe("help@contoso.com");

    const denied = await graph(emulator, "me/sendMail", {
      token: support,
      method: "POST",
      body: message("alex@contoso.com"),
    });
    expect(denied.status).toBe(403);
    expect((await json<{ error: { code: string } }>(denied)).error.code).toBe("ErrorSendAsDenied");

    await emulatorFetch(
      emulator,
      "/_emulator/tenants/contoso.com/send-from-alias",
      jsonInit("POST", { enabled: false }),
    );
    const disabled = await graph(emulator, "me/sendMail", {
      token: support,
      method: "POST",
      body: message("help@contoso.com", "From alias, rewritten"),
    });
    expect(disabled.status).toBe(202);
    const rewritten = (
      await json<Page>(
        await graph(emulator, "me/messages?$filter=subject eq 'From alias, rewritten'&$select=from", {
          token: customer,
        }),
      )
    ).value[0]!;
    expect(rewritten.from?.emailAddress.address).toBe("support@contoso.com");
  });

  it("createForward carries attachments and sends to the given recipients", async () => {
    const inbound = await emulatorFetch(
      emulator,
      "/_emulator/mailboxes/support@contoso.com/inbound",
      jsonInit("POST", {
        from: "Dana <customer@fabrikam.com>",
        subject: "Report",
        text: "see attached",
        attachments: [
          {
            name: "r.txt",
            contentType: "text/plain",
            contentBase64: Buffer.from("report").toString("base64"),
          },
        ],
      }),
    );
    const { id } = (await inbound.json()) as { id: string };
    const forward = await graph(emulator, `me/messages/${id}/forward`, {
      token: support,
      method: "POST",
      body: { comment: "FYI", toRecipients: [{ emailAddress: { address: "alex@contoso.com" } }] },
    });
    expect(forward.status).toBe(202);
    const alex = userToken(emulator, "alex");
    const arrived = (
      await json<Page>(
        await graph(emulator, "me/mailFolders/inbox/messages?$top=1&$select=subject,hasAttachments", {
          token: alex,
        }),
      )
    ).value[0]!;
    expect(arrived).toMatchObject({ subject: "FW: Report", hasAttachments: true });
  });

  it("refuses to send a draft without recipients", async () => {
    const draft = await json<MessageJson>(
      await graph(emulator, "me/messages", { token: support, method: "POST", body: { subject: "nobody" } }),
    );
    const response = await graph(emulator, `me/messages/${draft.id}/send`, {
      token: support,
      method: "POST",
    });
    expect(response.status).toBe(400);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe("ErrorInvalidRecipients");
  });
});

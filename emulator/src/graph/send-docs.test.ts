/**
 * The sending pages' own examples, sent as written: sendMail examples 1–3 (`saveToSentItems` as
 * the string "false", custom x- headers, a file attachment), createReply without a body, the
 * comment-or-body rule, and message-forward's example.
 * https://learn.microsoft.com/graph/api/user-sendmail, …/message-createreply, …/message-forward
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import {
  addMailbox,
  control,
  graph,
  graphFixture,
  json,
  type MessageJson,
  type Page,
  startEmulator,
  userToken,
} from "./testing.ts";

interface Outbound {
  recipients: string[];
  subject: string;
}
const header = (message: MessageJson, name: string) =>
  message.internetMessageHeaders?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;

describe("the sending pages' examples", () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    token = userToken(emulator, "support");
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const count = async (folder: string) =>
    (
      await json<Page>(
        await graph(emulator, `me/mailFolders/${folder}/messages?$count=true&$top=1`, { token }),
      )
    )["@odata.count"];
  const outbound = async () =>
    ((await (await control(emulator, "GET", "/outbound")).json()) as { value: Outbound[] }).value;
  const sendMail = (body: unknown) => graph(emulator, "me/sendMail", { token, method: "POST", body });

  it('sends example 1 with "saveToSentItems": "false" and keeps no copy, in Sent Items or Drafts', async () => {
    const [sent, drafts] = [await count("sentitems"), await count("drafts")];
    const response = await sendMail(graphFixture("sendmail-request.json"));
    expect(response.status).toBe(202);
    expect(await response.text()).toBe("");
    expect(await count("sentitems")).toBe(sent);
    expect(await count("drafts")).toBe(drafts);
    expect(await outbound()).toEqual([
      expect.objectContaining({
        subject: "Meet for lunch?",
        recipients: ["frannis@contoso.com", "danas@contoso.com"],
      }),
    ]);
  });

  it("reads saveToSentItems as a boolean or its string form, and refuses anything else in words", async () => {
    const example = graphFixture<{ message: unknown }>("sendmail-request.json");
    const sent = await count("sentitems");
    expect((await sendMail({ message: example.message, saveToSentItems: false })).status).toBe(202);
    expect(await count("sentitems")).toBe(sent);
    expect((await sendMail({ message: example.message, saveToSentItems: "True" })).status).toBe(202);
    expect(await count("sentitems")).toBe((sent ?? 0) + 1);
    const wrong = await sendMail({ message: example.message, saveToSentItems: "no" });
    expect(wrong.status).toBe(400);
    expect((await json<{ error: { code: string; message: string } }>(wrong)).error).toEqual(
      expect.objectContaining({
        code: "RequestBodyRead",
        message: "Cannot convert the literal 'no' to the expected type 'Edm.Boolean'.",
      }),
    );
    const noMessage = await sendMail({ saveToSentItems: false });
    expect((await json<{ error: { message: string } }>(noMessage)).error.message).toBe(
      "The message parameter is required.",
    );
  });

  it("sends example 2's custom x- headers: both the recipient's and the Sent Items copy show them", async () => {
    const alexW = await addMailbox(emulator, "AlexW@contoso.com", "Alex W");
    expect((await sendMail(graphFixture("sendmail-with-headers-request.json"))).status).toBe(202);
    const select = "$top=1&$select=subject,internetMessageHeaders";
    const arrived = (
      await json<Page>(
        await graph(emulator, `me/mailFolders/inbox/messages?${select}`, {
          token: userToken(emulator, alexW),
        }),
      )
    ).value[0]!;
    const copy = (
      await json<Page>(await graph(emulator, `me/mailFolders/sentitems/messages?${select}`, { token }))
    ).value[0]!;
    for (const message of [arrived, copy]) {
      expect(message.subject).toBe("9/9/2018: concert");
      expect(header(message, "x-custom-header-group-name")).toBe("Nevada");
      expect(header(message, "x-custom-header-group-id")).toBe("NV001");
    }
  });

  it("sends example 3's file attachment to the recipient", async () => {
    const megan = await addMailbox(emulator, "meganb@contoso.com", "Megan Bowen");
    expect((await sendMail(graphFixture("sendmail-with-attachment-request.json"))).status).toBe(202);
    const meganToken = userToken(emulator, megan);
    const arrived = (
      await json<Page>(
        await graph(emulator, "me/mailFolders/inbox/messages?$top=1&$expand=attachments", {
          token: meganToken,
        }),
      )
    ).value[0] as MessageJson & {
      attachments: { name: string; contentType: string; contentBytes: string }[];
    };
    expect(arrived.hasAttachments).toBe(true);
    expect(arrived.attachments).toEqual([
      expect.objectContaining({
        name: "attachment.txt",
        contentType: "text/plain",
        contentBytes: "SGVsbG8gV29ybGQh",
      }),
    ]);
  });

  it("delivers an inline image with its isInline and contentId (the message counts as having no attachments)", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").toString("base64");
    const response = await sendMail({
      message: {
        subject: "Logo",
        body: { contentType: "HTML", content: '<p><img src="cid:logo@mailroom"></p>' },
        toRecipients: [{ emailAddress: { address: "customer@fabrikam.com" } }],
        attachments: [
          {
            "@odata.type": "#microsoft.graph.fileAttachment",
            name: "logo.png",
            contentType: "image/png",
            contentBytes: png,
            isInline: true,
            contentId: "logo@mailroom",
          },
        ],
      },
    });
    expect(response.status).toBe(202);
    const arrived = (
      await json<Page>(
        await graph(
          emulator,
          "me/mailFolders/inbox/messages?$top=1&$select=subject,hasAttachments,body&$expand=attachments",
          {
            token: userToken(emulator, "customer"),
          },
        ),
      )
    ).value[0] as MessageJson & { attachments: Record<string, unknown>[] };
    expect(arrived).toMatchObject({ subject: "Logo", hasAttachments: false });
    expect(arrived.body.content).toContain("cid:logo@mailroom");
    expect(arrived.attachments).toEqual([
      expect.objectContaining({
        name: "logo.png",
        isInline: true,
        contentId: "logo@mailroom",
        contentBytes: png,
      }),
    ]);
  });

  it("creates reply, reply-all and forward drafts from an empty request (createReply example 1)", async () => {
    const parent = (
      await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token }))
    ).value[0]!;
    for (const action of ["createReply", "createReplyAll", "createForward"]) {
      const response = await graph(emulator, `me/messages/${parent.id}/${action}`, { token, method: "POST" });
      expect(response.status).toBe(201);
      const draft = await json<MessageJson>(response);
      expect(draft).toMatchObject({ isDraft: true, conversationId: parent.conversationId });
      expect(draft.subject).toMatch(action === "createForward" ? /^FW: / : /^RE: /);
    }
  });

  it("refuses a comment together with message.body, and a forward naming recipients both ways", async () => {
    const parent = (
      await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token }))
    ).value[0]!;
    const both = await graph(emulator, `me/messages/${parent.id}/createReply`, {
      token,
      method: "POST",
      body: { comment: "Thanks", message: { body: { contentType: "text", content: "Thanks" } } },
    });
    expect(both.status).toBe(400);
    const to = [{ emailAddress: { address: "alex@contoso.com" } }];
    const twice = await graph(emulator, `me/messages/${parent.id}/createForward`, {
      token,
      method: "POST",
      body: { toRecipients: to, message: { toRecipients: to } },
    });
    expect(twice.status).toBe(400);
    const messageOnly = await graph(emulator, `me/messages/${parent.id}/createForward`, {
      token,
      method: "POST",
      body: { message: { toRecipients: to } },
    });
    expect((await json<MessageJson>(messageOnly)).toRecipients.map((r) => r.emailAddress.address)).toEqual([
      "alex@contoso.com",
    ]);
  });

  it("forwards with message-forward's example body (comment and toRecipients)", async () => {
    const parent = (
      await json<Page>(await graph(emulator, "me/mailFolders/inbox/messages?$top=1", { token }))
    ).value[0]!;
    const response = await graph(emulator, `me/messages/${parent.id}/forward`, {
      token,
      method: "POST",
      body: graphFixture("message-forward-request.json"),
    });
    expect(response.status).toBe(202);
    const [sent] = await outbound();
    expect(sent).toMatchObject({ recipients: ["address-value"], subject: `FW: ${parent.subject}` });
  });
});

/**
 * Who a sent message is from, end to end over HTTPS: SendFromAliasEnabled (alias kept or rewritten
 * to the primary address), Send As and Send on Behalf grants set through the control API, and the
 * send-mail-from-other-user page's two examples as written.
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

describe("sending from aliases and other addresses", () => {
  let emulator: Emulator;
  let support: string;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const newest = async (token: string, folder = "inbox") =>
    (
      await json<Page>(
        await graph(emulator, `me/mailFolders/${folder}/messages?$top=1&$select=subject,from,sender`, {
          token,
        }),
      )
    ).value[0]!;
  const address = (recipient: MessageJson["from"] | undefined) =>
    recipient?.emailAddress.address.toLowerCase();

  /** createReply to the customer's latest message, `from` set on the draft, then send. */
  async function replyFrom(from: string) {
    support = userToken(emulator, "support");
    const parent = await newest(support);
    const draft = await json<MessageJson>(
      await graph(emulator, `me/messages/${parent.id}/createReply`, {
        token: support,
        method: "POST",
        body: {},
      }),
    );
    const patched = await graph(emulator, `me/messages/${draft.id}`, {
      token: support,
      method: "PATCH",
      body: { from: { emailAddress: { address: from } } },
    });
    expect(patched.status).toBe(200);
    expect(
      (await graph(emulator, `me/messages/${draft.id}/send`, { token: support, method: "POST" })).status,
    ).toBe(202);
    const sentCopy = await json<MessageJson>(
      await graph(emulator, `me/messages/${draft.id}?$select=from,sender,parentFolderId`, { token: support }),
    );
    return { sentCopy, arrived: await newest(userToken(emulator, "customer")) };
  }

  it("rewrites an alias to the primary address when SendFromAliasEnabled is off: recipient and Sent Items see the primary", async () => {
    const off = await control(emulator, "PATCH", "/tenants/contoso.com", { sendFromAliasEnabled: false });
    expect(await off.json()).toMatchObject({ sendFromAliasEnabled: false, maxMessageSizeMB: 35 });
    const { sentCopy, arrived } = await replyFrom("help@contoso.com");
    expect(address(arrived.from)).toBe("support@contoso.com");
    expect(address(sentCopy.from)).toBe("support@contoso.com");
    expect(address(sentCopy.sender as MessageJson["from"])).toBe("support@contoso.com");
  });

  it("keeps the alias when SendFromAliasEnabled is on", async () => {
    await control(emulator, "POST", "/tenants/contoso.com/send-from-alias", { enabled: true });
    const { sentCopy, arrived } = await replyFrom("help@contoso.com");
    expect(address(arrived.from)).toBe("help@contoso.com");
    expect(address(sentCopy.from)).toBe("help@contoso.com");
  });

  it("answers the documented ErrorSendAsDenied for an address without Send As, and keeps no draft", async () => {
    support = userToken(emulator, "support");
    const drafts = async () =>
      (
        await json<Page>(
          await graph(emulator, "me/mailFolders/drafts/messages?$count=true", { token: support }),
        )
      )["@odata.count"];
    const before = await drafts();
    const response = await graph(emulator, "me/sendMail", {
      token: support,
      method: "POST",
      body: graphFixture("sendmail-send-as-denied-request.json"),
    });
    expect(response.status).toBe(403);
    const documented = graphFixture<{ error: { code: string; message: string } }>(
      "sendmail-send-as-denied-response.json",
    );
    expect((await json<typeof documented>(response)).error).toMatchObject({
      code: documented.error.code,
      message: documented.error.message,
    });
    expect(await drafts()).toBe(before);
  });

  it("sends on behalf of another mailbox as the doc's example 1 does, once granted through the control API", async () => {
    await addMailbox(emulator, "AllanD@contoso.com", "Allan Deyoung");
    const megan = await addMailbox(emulator, "MeganB@contoso.com", "Megan Bowen");
    const granted = await control(emulator, "POST", "/mailboxes/support@contoso.com/send-as", {
      address: "AllanD@contoso.com",
      allowed: true,
      onBehalf: true,
    });
    expect(await granted.json()).toEqual({
      mailbox: "support@contoso.com",
      value: [{ address: "alland@contoso.com", onBehalf: true }],
    });
    support = userToken(emulator, "support");
    const sent = await graph(emulator, "me/sendMail", {
      token: support,
      method: "POST",
      body: graphFixture("sendmail-on-behalf-request.json"),
    });
    expect(sent.status).toBe(202);
    const arrived = await newest(userToken(emulator, megan));
    expect(arrived.from?.emailAddress).toEqual({ name: "Allan Deyoung", address: "AllanD@contoso.com" });
    expect(address(arrived.sender as MessageJson["from"])).toBe("support@contoso.com");
    const copy = await newest(support, "sentitems");
    expect(address(copy.from)).toBe("alland@contoso.com");
    expect(address(copy.sender as MessageJson["from"])).toBe("support@contoso.com");
  });

  it("sends as a granted address (from = sender) and is denied again once the grant is removed", async () => {
    await addMailbox(emulator, "sales@contoso.com", "Contoso Sales");
    await control(emulator, "POST", "/mailboxes/support@contoso.com/send-as", {
      address: "sales@contoso.com",
      allowed: true,
    });
    support = userToken(emulator, "support");
    const mail = {
      message: {
        subject: "Your quote",
        from: { emailAddress: { address: "sales@contoso.com" } },
        toRecipients: [{ emailAddress: { address: "customer@fabrikam.com" } }],
      },
    };
    expect(
      (await graph(emulator, "me/sendMail", { token: support, method: "POST", body: mail })).status,
    ).toBe(202);
    const arrived = await newest(userToken(emulator, "customer"));
    expect(arrived.from?.emailAddress).toEqual({ name: "Contoso Sales", address: "sales@contoso.com" });
    expect(address(arrived.sender as MessageJson["from"])).toBe("sales@contoso.com");

    await control(emulator, "POST", "/mailboxes/support@contoso.com/send-as", {
      address: "sales@contoso.com",
      allowed: false,
    });
    const listed = await control(emulator, "GET", "/mailboxes/support@contoso.com/send-as");
    expect(((await listed.json()) as { value: unknown[] }).value).toEqual([]);
    const denied = await graph(emulator, "me/sendMail", { token: support, method: "POST", body: mail });
    expect(denied.status).toBe(403);
    expect((await json<{ error: { code: string } }>(denied)).error.code).toBe("ErrorSendAsDenied");
  });
});

/**
 * Exchange Online's sending limits through Graph, on the emulator clock: 500 recipients per
 * message, the tenant's maximum message size (35 MB unless raised), 30 messages a minute (carried
 * over to the next minute, or 429 when set to reject) and 10,000 recipients a day. The control
 * API lowers them so tests stay small.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { SUBMISSION_QUOTA_EXCEEDED } from "./submit.ts";
import { control, graph, json, type MessageJson, type Page, startEmulator, userToken } from "./testing.ts";

const recipients = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ({ emailAddress: { address: `${prefix}${i}@elsewhere.example` } }));
const errorOf = async (response: Awaited<ReturnType<typeof graph>>) =>
  (await json<{ error: { code: string; message: string } }>(response)).error;

describe("sending limits", () => {
  let emulator: Emulator;
  let token: string;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  // Tokens come from the emulator clock, which some tests move a day ahead.
  beforeEach(() => {
    token = userToken(emulator, "support");
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const sendMail = (subject: string, to = [{ emailAddress: { address: "customer@fabrikam.com" } }]) =>
    graph(emulator, "me/sendMail", {
      token,
      method: "POST",
      body: { message: { subject, toRecipients: to } },
    });
  const subjects = async (user: string, folder: string) =>
    (
      await json<Page>(
        await graph(emulator, `me/mailFolders/${folder}/messages?$top=100&$select=subject`, {
          token: userToken(emulator, user),
        }),
      )
    ).value.map((message) => message.subject);
  const newDraft = async (body: Record<string, unknown>) =>
    json<MessageJson>(await graph(emulator, "me/messages", { token, method: "POST", body }));

  it("sends to 500 recipients (To, Cc and Bcc together) and refuses 501", async () => {
    const message = (bcc: number) => ({
      message: {
        subject: "Newsletter",
        toRecipients: recipients(300, "to"),
        ccRecipients: recipients(150, "cc"),
        bccRecipients: recipients(bcc, "bcc"),
      },
    });
    const over = await graph(emulator, "me/sendMail", { token, method: "POST", body: message(51) });
    expect(over.status).toBe(400);
    expect((await errorOf(over)).code).toBe("ErrorExceededMaxRecipientLimit");
    expect((await graph(emulator, "me/sendMail", { token, method: "POST", body: message(50) })).status).toBe(
      202,
    );
  });

  it("holds a message over the tenant's size limit (35 MB by default) to ErrorMessageSizeExceeded until the limit is raised", async () => {
    const draft = await newDraft({ subject: "Big", toRecipients: recipients(1, "to") });
    const session = (size: number) =>
      graph(emulator, `me/messages/${draft.id}/attachments/createUploadSession`, {
        token,
        method: "POST",
        body: { AttachmentItem: { attachmentType: "file", name: "video.mp4", size } },
      });
    const tooBig = await session(36 * 1024 * 1024);
    expect(tooBig.status).toBe(400);
    expect(await errorOf(tooBig)).toMatchObject({
      code: "ErrorMessageSizeExceeded",
      message: "The message exceeds the maximum supported size.",
    });
    const raised = await control(emulator, "PATCH", "/tenants/contoso.com", { maxMessageSizeMB: 150 });
    expect(await raised.json()).toMatchObject({ maxMessageSizeMB: 150 });
    expect((await session(149 * 1024 * 1024)).status).toBe(201);
  });

  it("counts every attachment and refuses to send a draft that grew past a lowered limit", async () => {
    const draft = await newDraft({ subject: "Photos", toRecipients: recipients(1, "to") });
    const photo = Buffer.alloc(600 * 1024, 1).toString("base64");
    const add = () =>
      graph(emulator, `me/messages/${draft.id}/attachments`, {
        token,
        method: "POST",
        body: { name: "photo.jpg", contentType: "image/jpeg", contentBytes: photo },
      });
    await control(emulator, "PATCH", "/tenants/contoso.com", { maxMessageSizeMB: 1 });
    expect((await add()).status).toBe(201);
    const second = await add();
    expect(second.status).toBe(400);
    expect((await errorOf(second)).code).toBe("ErrorMessageSizeExceeded");
    await control(emulator, "PATCH", "/tenants/contoso.com", { maxMessageSizeMB: 2 });
    expect((await add()).status).toBe(201);
    await control(emulator, "PATCH", "/tenants/contoso.com", { maxMessageSizeMB: 1 });
    const send = await graph(emulator, `me/messages/${draft.id}/send`, { token, method: "POST" });
    expect(send.status).toBe(400);
    expect((await errorOf(send)).code).toBe("ErrorMessageSizeExceeded");
  });

  it("carries messages past the per-minute rate over to the next minute from the Outbox, as Exchange Online does", async () => {
    await control(emulator, "PATCH", "/sending", { messagesPerMinute: 2 });
    for (const subject of ["Rate 1", "Rate 2", "Rate 3"]) expect((await sendMail(subject)).status).toBe(202);
    expect(await subjects("customer", "inbox")).toEqual(expect.arrayContaining(["Rate 1", "Rate 2"]));
    expect(await subjects("customer", "inbox")).not.toContain("Rate 3");
    expect(await subjects("support", "outbox")).toEqual(["Rate 3"]);
    const usage = (await (await control(emulator, "GET", "/sending")).json()) as {
      usage: { messagesLastMinute: number; deferred: { leavesAt: string }[] }[];
    };
    expect(usage.usage[0]).toMatchObject({ messagesLastMinute: 2, deferred: [expect.any(Object)] });

    await control(emulator, "POST", "/clock/advance", { seconds: 60 });
    expect(await subjects("customer", "inbox")).toContain("Rate 3");
    expect(await subjects("support", "outbox")).toEqual([]);
    expect(await subjects("support", "sentitems")).toContain("Rate 3");
  });

  it("answers 429 ErrorSubmissionQuotaExceeded with Retry-After past the rate when set to reject", async () => {
    await control(emulator, "PATCH", "/sending", { messagesPerMinute: 1, messageRateExceeded: "reject" });
    expect((await sendMail("First")).status).toBe(202);
    const second = await sendMail("Second");
    expect(second.status).toBe(429);
    expect(second.headers.get("retry-after")).toBe("60");
    expect(await errorOf(second)).toMatchObject({
      code: "ErrorSubmissionQuotaExceeded",
      message: SUBMISSION_QUOTA_EXCEEDED,
    });
    expect(await subjects("support", "drafts")).not.toContain("Second");
    await control(emulator, "POST", "/clock/advance", { seconds: 60 });
    token = userToken(emulator, "support");
    expect((await sendMail("Second")).status).toBe(202);
  });

  it("refuses past the day's recipients until they are a day old", async () => {
    await control(emulator, "PATCH", "/sending", { recipientsPerDay: 3 });
    expect((await sendMail("Two", recipients(2, "a"))).status).toBe(202);
    const over = await sendMail("Two more", recipients(2, "b"));
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after")).toBe(String(24 * 3600));
    await control(emulator, "POST", "/clock/advance", { hours: 24 });
    token = userToken(emulator, "support");
    expect((await sendMail("Two more", recipients(2, "b"))).status).toBe(202);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../server.ts";
import { emulatorFetch } from "../testing/emulator-fetch.ts";
import { graph, json, type MessageJson, startEmulator, userToken } from "./testing.ts";

interface Attachment {
  id: string;
  name: string;
  size: number;
  contentBytes?: string;
  isInline: boolean;
}

describe("attachments and upload sessions", () => {
  let emulator: Emulator;
  let token: string;
  let draft: MessageJson;
  beforeAll(async () => {
    emulator = await startEmulator();
    token = userToken(emulator, "support");
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const newDraft = async () =>
    json<MessageJson>(
      await graph(emulator, "me/messages", { token, method: "POST", body: { subject: "With files" } }),
    );

  it("adds a file attachment, lists it, gets it with contentBytes and its raw $value", async () => {
    draft = await newDraft();
    const bytes = Buffer.from("%PDF-1.7 pretend");
    const added = await graph(emulator, `me/messages/${draft.id}/attachments`, {
      token,
      method: "POST",
      body: {
        "@odata.type": "#microsoft.graph.fileAttachment",
        name: "a.pdf",
        contentType: "application/pdf",
        contentBytes: bytes.toString("base64"),
      },
    });
    expect(added.status).toBe(201);
    const attachment = await json<Attachment>(added);
    expect(attachment).toMatchObject({ name: "a.pdf", size: bytes.length, isInline: false });
    const list = await json<{ value: Attachment[] }>(
      await graph(emulator, `me/messages/${draft.id}/attachments`, { token }),
    );
    expect(list.value.map((a) => a.id)).toEqual([attachment.id]);
    const one = await json<Attachment>(
      await graph(emulator, `me/messages/${draft.id}/attachments/${attachment.id}`, { token }),
    );
    expect(one.contentBytes).toBe(bytes.toString("base64"));
    const raw = await graph(emulator, `me/messages/${draft.id}/attachments/${attachment.id}/$value`, {
      token,
    });
    expect(raw.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(bytes);
    const message = await json<MessageJson>(
      await graph(emulator, `me/messages/${draft.id}?$select=hasAttachments`, { token }),
    );
    expect(message.hasAttachments).toBe(true);
  });

  it("refuses a POSTed attachment over 3 MB with 413", async () => {
    draft = await newDraft();
    const big = Buffer.alloc(3 * 1024 * 1024 + 10).toString("base64");
    const response = await graph(emulator, `me/messages/${draft.id}/attachments`, {
      token,
      method: "POST",
      body: { name: "big.bin", contentBytes: big },
    });
    // The 4 MB request limit answers first for bodies that large; both are 413.
    expect(response.status).toBe(413);
  });

  it("uploads a large file in 320 KiB-multiple chunks without Authorization and attaches it", async () => {
    draft = await newDraft();
    const file = Buffer.alloc(3 * 1024 * 1024 + 12345, 7);
    const created = await graph(emulator, `me/messages/${draft.id}/attachments/createUploadSession`, {
      token,
      method: "POST",
      body: { AttachmentItem: { attachmentType: "file", name: "large.bin", size: file.length } },
    });
    expect(created.status).toBe(201);
    const session = await json<{
      uploadUrl: string;
      nextExpectedRanges: string[];
      expirationDateTime: string;
    }>(created);
    expect(session.uploadUrl.startsWith(`${emulator.url}/api/gv1.0/users('`)).toBe(true);
    expect(session.nextExpectedRanges).toEqual(["0-"]);
    const put = (start: number, end: number, headers: Record<string, string> = {}) =>
      emulatorFetch(emulator, session.uploadUrl, {
        method: "PUT",
        body: file.subarray(start, end + 1),
        headers: {
          "content-type": "application/octet-stream",
          "content-range": `bytes ${start}-${end}/${file.length}`,
          ...headers,
        },
      });

    const withAuth = await put(0, 327_679, { authorization: `Bearer ${token}` });
    expect(withAuth.status).toBe(401);
    expect(((await withAuth.json()) as { error: { code: string } }).error.code).toBe(
      "InvalidAudienceForResource",
    );
    expect((await put(0, 99_999)).status).toBe(400); // not a multiple of 320 KiB
    const chunk = 320 * 1024 * 6;
    const first = await put(0, chunk - 1);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([
      String(chunk),
    ]);
    expect((await put(0, chunk - 1)).status).toBe(416); // out of order
    const last = await put(chunk, file.length - 1);
    expect(last.status).toBe(201);
    expect(last.headers.get("location")).toMatch(/Attachments\('/);
    const list = await json<{ value: Attachment[] }>(
      await graph(emulator, `me/messages/${draft.id}/attachments`, { token }),
    );
    expect(list.value[0]).toMatchObject({ name: "large.bin", size: file.length });
  });

  it("refuses upload sessions outside 2–150 MB", async () => {
    draft = await newDraft();
    const small = await graph(emulator, `me/messages/${draft.id}/attachments/createUploadSession`, {
      token,
      method: "POST",
      body: { AttachmentItem: { attachmentType: "file", name: "s", size: 1000 } },
    });
    expect((await json<{ error: { code: string } }>(small)).error.code).toBe(
      "ErrorAttachmentSizeShouldNotBeLessThanMinimumSize",
    );
    const huge = await graph(emulator, `me/messages/${draft.id}/attachments/createUploadSession`, {
      token,
      method: "POST",
      body: { AttachmentItem: { attachmentType: "file", name: "h", size: 151 * 1024 * 1024 } },
    });
    expect((await json<{ error: { code: string } }>(huge)).error.code).toBe("ErrorMessageSizeExceeded");
  });
});

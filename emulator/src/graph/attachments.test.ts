import { readFileSync } from "node:fs";
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
  contentType?: string;
  contentId?: string | null;
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

  const fixture = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(new URL(`../../fixtures/graph/${name}`, import.meta.url), "utf8"));
  interface UploadStatus {
    uploadUrl: string;
    nextExpectedRanges: string[];
    expirationDateTime?: string;
    ExpirationDateTime?: string;
  }
  const putRange = (
    url: string,
    file: Buffer,
    start: number,
    end: number,
    headers: Record<string, string> = {},
  ) =>
    emulatorFetch(emulator, url, {
      method: "PUT",
      body: file.subarray(start, end + 1),
      headers: {
        "content-type": "application/octet-stream",
        "content-range": `bytes ${start}-${end}/${file.length}`,
        ...headers,
      },
    });

  it("uploads the walkthrough's 3,483,322-byte file in its own ranges (2 MiB, then the rest) without Authorization", async () => {
    draft = await newDraft();
    const created = await graph(emulator, `me/messages/${draft.id}/attachments/createUploadSession`, {
      token,
      method: "POST",
      body: fixture("createuploadsession-request.json"),
    });
    expect(created.status).toBe(201);
    const session = await json<UploadStatus>(created);
    expect(Object.keys(session).sort()).toEqual(
      Object.keys(fixture("createuploadsession-response.json")).sort(),
    );
    expect(session.uploadUrl.startsWith(`${emulator.url}/api/gv1.0/users('`)).toBe(true);
    expect(session.nextExpectedRanges).toEqual(["0-"]);
    const file = Buffer.alloc(3_483_322, 7);
    file.write("\xff\xd8\xff", "latin1"); // a JPEG, like the walkthrough's "flower"

    const withAuth = await putRange(session.uploadUrl, file, 0, 2_097_151, {
      authorization: `Bearer ${token}`,
    });
    expect(withAuth.status).toBe(401);
    expect(((await withAuth.json()) as { error: { code: string } }).error.code).toBe(
      "InvalidAudienceForResource",
    );
    const first = await putRange(session.uploadUrl, file, 0, 2_097_151);
    expect(first.status).toBe(200);
    const status = await json<UploadStatus>(first);
    expect(Object.keys(status).sort()).toEqual(Object.keys(fixture("upload-range-response.json")).sort());
    expect(status.nextExpectedRanges).toEqual(["2097152"]);
    expect((await putRange(session.uploadUrl, file, 0, 2_097_151)).status).toBe(416); // out of order
    const last = await putRange(session.uploadUrl, file, 2_097_152, 3_483_321);
    expect(last.status).toBe(201);
    expect(last.headers.get("location")).toMatch(/\/Attachments\('[^']+'\)$/);
    const list = await json<{ value: Attachment[] }>(
      await graph(emulator, `me/messages/${draft.id}/attachments`, { token }),
    );
    expect(list.value[0]).toMatchObject({ name: "flower", size: file.length, contentType: "image/jpeg" });
  });

  it("takes ranges of any size up to 4 MB, refuses larger ones, and tells a resuming client where to go on", async () => {
    draft = await newDraft();
    const file = Buffer.alloc(9 * 1024 * 1024 + 5, 3);
    const session = await json<UploadStatus>(
      await graph(emulator, `me/messages/${draft.id}/attachments/createUploadSession`, {
        token,
        method: "POST",
        body: {
          AttachmentItem: {
            attachmentType: "file",
            name: "big.bin",
            size: file.length,
            contentType: "application/zip",
          },
        },
      }),
    );
    expect((await putRange(session.uploadUrl, file, 0, 4 * 1024 * 1024)).status).toBe(413); // 4 MiB + 1 byte
    expect((await putRange(session.uploadUrl, file, 0, 1_000_000)).status).toBe(200); // no 320 KiB multiple
    // The connection dropped: where were we?
    const resumed = await emulatorFetch(emulator, session.uploadUrl);
    expect(resumed.status).toBe(200);
    expect((await json<UploadStatus>(resumed)).nextExpectedRanges).toEqual(["1000001"]);
    let offset = 1_000_001;
    while (offset < file.length) {
      const end = Math.min(offset + 4 * 1024 * 1024, file.length) - 1;
      const response = await putRange(session.uploadUrl, file, offset, end);
      expect(response.status).toBe(end === file.length - 1 ? 201 : 200);
      offset = end + 1;
    }
    const [attachment] = (
      await json<{ value: Attachment[] }>(
        await graph(emulator, `me/messages/${draft.id}/attachments`, { token }),
      )
    ).value;
    expect(attachment).toMatchObject({ name: "big.bin", size: file.length, contentType: "application/zip" });
    expect((await emulatorFetch(emulator, session.uploadUrl)).status).toBe(404); // the session is over
  });

  it("keeps isInline and contentId of an inline upload (createUploadSession example 2)", async () => {
    draft = await newDraft();
    const file = Buffer.alloc(3 * 1024 * 1024, 1);
    const session = await json<UploadStatus>(
      await graph(emulator, `me/messages/${draft.id}/attachments/createUploadSession`, {
        token,
        method: "POST",
        body: {
          AttachmentItem: {
            attachmentType: "file",
            name: "scenary",
            size: file.length,
            isInline: true,
            contentId: "my_inline_picture",
          },
        },
      }),
    );
    expect((await putRange(session.uploadUrl, file, 0, file.length - 1)).status).toBe(201);
    const [attachment] = (
      await json<{ value: Attachment[] }>(
        await graph(emulator, `me/messages/${draft.id}/attachments`, { token }),
      )
    ).value;
    expect(attachment).toMatchObject({ name: "scenary", isInline: true, contentId: "my_inline_picture" });
    const message = await json<{ hasAttachments: boolean }>(
      await graph(emulator, `me/messages/${draft.id}?$select=hasAttachments`, { token }),
    );
    expect(message.hasAttachments).toBe(false); // inline only
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

import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type { UploadItem } from "@mailroom/contract";
import { inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator/src/index.ts";
import type { Db } from "../src/db/client.ts";
import { outboxUploads } from "../src/outbox/schema.ts";
import { uploadPath } from "../src/outbox/upload-store.ts";
import { sweepUploads } from "../src/outbox/upload-sweep.ts";
import type { TestClient, TestServer } from "./harness.ts";
import { emulatorControl, send, setChannel, startSendingMailbox, waitForOutbox } from "./outbox-helpers.ts";
import { CUSTOMER } from "./outlook-helpers.ts";
import { waitFor } from "./wait-for.ts";

let emulator: Emulator;
let server: TestServer;
let admin: TestClient;
let channelId: string;
let db: Db;

const DANA = CUSTOMER.login;
const MB = 1024 * 1024;
const RANGE = 4 * MB;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  ({ emulator, server, admin, channelId, db } = await startSendingMailbox());
});

afterAll(async () => {
  await server?.close();
  await emulator?.close();
});

/** A file of `size` bytes whose content says where each byte is (so a misplaced range shows). */
function file(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) bytes.writeUInt32BE(i / 4096, i);
  return bytes;
}

async function putRange(id: string, bytes: Buffer, start: number, total: number) {
  await admin.prime();
  return fetch(new URL(`/api/outbox/uploads/${id}`, admin.baseUrl), {
    method: "PUT",
    headers: {
      cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      "x-csrf-token": admin.cookies.get("mailroom_csrf")!,
      origin: admin.baseUrl,
      "content-type": "application/octet-stream",
      "content-range": `bytes ${start}-${start + bytes.length - 1}/${total}`,
    },
    body: new Uint8Array(bytes),
  });
}

/** Uploads through our API in 4 MB ranges, as the composer does. */
async function upload(name: string, bytes: Buffer, extra: { isInline?: boolean; contentId?: string } = {}) {
  const created = await admin.post<{ upload: UploadItem }>("/api/outbox/uploads", {
    channelId,
    name,
    contentType: extra.isInline ? "image/png" : "application/octet-stream",
    size: bytes.length,
    ...extra,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id } = created.body.upload;
  for (let start = 0; start < bytes.length; start += RANGE) {
    const res = await putRange(id, bytes.subarray(start, start + RANGE), start, bytes.length);
    expect(res.status, await res.clone().text()).toBe(200);
  }
  return id;
}

/** The customer's copy carrying the outbox header, straight from the emulator's store. */
function delivered(outboxId: string, mailbox = DANA) {
  const box = emulator.store.mailbox(mailbox)!;
  for (const folder of box.folders.values())
    for (const message of folder.messages.values())
      if (
        message.internetMessageHeaders.some((h) => h.name === "x-mailroom-outbox-id" && h.value === outboxId)
      )
        return { folder: folder.wellKnownName, message };
  return undefined;
}

async function sendWith(subject: string, uploadIds: string[], html = "<p>Attached.</p>") {
  return send(admin, {
    kind: "new",
    channelId,
    from: "support@contoso.com",
    to: [{ address: DANA }],
    subject,
    html,
    attachments: uploadIds.map((uploadId) => ({ uploadId })),
  });
}

describe("attachments", () => {
  it("sends a 20 MB file by upload session and an inline image that keeps its contentId", async () => {
    const big = file(20 * MB);
    const logo = file(2048);
    const ids = [
      await upload("report.bin", big),
      await upload("logo.png", logo, { isInline: true, contentId: "logo@mailroom" }),
    ];
    const outbox = await sendWith("With a report", ids, '<p>Our logo: <img src="cid:logo@mailroom"></p>');
    await waitForOutbox(db, outbox.id, ["sent", "matched"], 120_000);
    const copy = await waitFor(() => delivered(outbox.id), { what: "delivery", timeoutMs: 60_000 });
    const byName = new Map(copy.message.attachments.map((a) => [a.name, a]));
    expect(Buffer.from(byName.get("report.bin")!.contentBytes, "base64").equals(big)).toBe(true);
    expect(byName.get("logo.png")).toMatchObject({ isInline: true, contentId: "logo@mailroom", size: 2048 });
    expect(copy.message.body.content).toContain("cid:logo@mailroom");
  });

  it("refuses a file over 150 MB before any byte is uploaded", async () => {
    const res = await admin.post<{ fields: { field: string }[] }>("/api/outbox/uploads", {
      channelId,
      name: "huge.iso",
      size: 150 * MB + 1,
    });
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f) => f.field)).toEqual(["size"]);
  });

  it("resumes an upload after a dropped connection at the byte it stands", async () => {
    const bytes = file(10 * MB);
    const created = await admin.post<{ upload: UploadItem }>("/api/outbox/uploads", {
      channelId,
      name: "resume.bin",
      size: bytes.length,
    });
    const { id } = created.body.upload;
    expect((await putRange(id, bytes.subarray(0, RANGE), 0, bytes.length)).status).toBe(200);
    // The second range is "lost"; the third arrives out of order and is refused.
    const early = await putRange(id, bytes.subarray(2 * RANGE), 2 * RANGE, bytes.length);
    expect(early.status).toBe(409);
    const status = await admin.get<{ upload: UploadItem }>(`/api/outbox/uploads/${id}`);
    expect(status.body.upload.received).toBe(RANGE);
    for (let start = status.body.upload.received; start < bytes.length; start += RANGE)
      expect((await putRange(id, bytes.subarray(start, start + RANGE), start, bytes.length)).status).toBe(
        200,
      );
    const outbox = await sendWith("Resumed", [id]);
    await waitForOutbox(db, outbox.id, ["matched"], 120_000);
    const copy = await waitFor(() => delivered(outbox.id), { what: "delivery" });
    expect(Buffer.from(copy.message.attachments[0]!.contentBytes, "base64").equals(bytes)).toBe(true);
    // Matched in the mailbox: our copy of the file goes (right after the match is recorded).
    await waitFor(() => !fs.existsSync(uploadPath(server.mailroom.config.dataDir, id)), {
      what: "the uploaded copy deleted after the match",
    });
  });

  it("leaves no draft behind when Microsoft refuses the file (over the tenant's size)", async () => {
    const id = await upload("too-big-for-the-tenant.bin", file(36 * MB));
    const outbox = await sendWith("Too big", [id]);
    const failed = await waitForOutbox(db, outbox.id, ["failed"], 120_000);
    expect(failed.failureCode).toBe("ErrorMessageSizeExceeded");
    expect(failed.failureMessage).toMatch(/larger than your Microsoft 365 organisation allows/);
    expect(failed.graphDraftId).toBeNull();
    expect(delivered(outbox.id, "support@contoso.com")).toBeUndefined();
  });

  it("sweeps uploads no message will send after a week, and files whose rows went with their channel", async () => {
    const dataDir = server.mailroom.config.dataDir;
    const abandoned = await upload("abandoned.bin", file(8192));
    const fresh = await upload("fresh.bin", file(8192));
    const held = await upload("held.bin", file(8192));
    await setChannel(admin, channelId, { undoSendSeconds: 30 });
    try {
      const queued = await sendWith("Held in its undo window", [held]);
      await db
        .update(outboxUploads)
        .set({ createdAt: new Date(Date.now() - 8 * DAY) })
        .where(inArray(outboxUploads.id, [abandoned, held]));
      const orphan = uploadPath(dataDir, randomUUID());
      const newOrphan = uploadPath(dataDir, randomUUID());
      fs.writeFileSync(orphan, "left by a removed channel");
      fs.writeFileSync(newOrphan, "its row may be committing");
      fs.utimesSync(orphan, new Date(Date.now() - 2 * DAY), new Date(Date.now() - 2 * DAY));

      await sweepUploads(db, dataDir);
      const left = async () =>
        (await db.select({ id: outboxUploads.id }).from(outboxUploads)).map((r) => r.id);
      expect(await left()).not.toContain(abandoned);
      expect(fs.existsSync(uploadPath(dataDir, abandoned))).toBe(false);
      expect(await left()).toEqual(expect.arrayContaining([fresh, held]));
      expect(fs.existsSync(uploadPath(dataDir, held))).toBe(true);
      expect(fs.existsSync(orphan)).toBe(false);
      expect(fs.existsSync(newOrphan)).toBe(true);

      // Undone and never sent again: the week-old file goes with the next sweep.
      expect((await admin.post(`/api/outbox/${queued.id}/undo`)).status).toBe(200);
      await sweepUploads(db, dataDir);
      expect(await left()).not.toContain(held);
      expect(fs.existsSync(uploadPath(dataDir, held))).toBe(false);
      expect(await left()).toContain(fresh);
      fs.rmSync(newOrphan, { force: true });
    } finally {
      await setChannel(admin, channelId, { undoSendSeconds: 0 });
    }
  });

  it("sends a 149 MB file once the tenant allows it", { timeout: 600_000 }, async () => {
    await emulatorControl(emulator, "/_emulator/tenants/contoso.com", "PATCH", { maxMessageSizeMB: 150 });
    const bytes = file(149 * MB);
    const id = await upload("archive.bin", bytes);
    const outbox = await sendWith("The archive", [id]);
    await waitForOutbox(db, outbox.id, ["sent", "matched"], 400_000);
    const copy = await waitFor(() => delivered(outbox.id), { what: "delivery", timeoutMs: 60_000 });
    const got = copy.message.attachments[0]!;
    expect(got.name).toBe("archive.bin");
    expect(got.size).toBe(bytes.length);
    expect(Buffer.from(got.contentBytes, "base64").equals(bytes)).toBe(true);
  });
});

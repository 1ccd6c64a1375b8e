import fs from "node:fs/promises";
import path from "node:path";
import type { UploadItem } from "@mailroom/contract";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { outboxUploads } from "./schema.ts";

/**
 * Attachment uploads: the bytes in the data directory (`outbox-uploads/<id>`), appended range by
 * range in order; the row counts what arrived, so a dropped connection resumes at `received`.
 * The file is written before the count, so the count never claims bytes that aren't there.
 */

export type UploadRow = typeof outboxUploads.$inferSelect;

/** Where every upload's bytes live. */
export function uploadsDir(dataDir: string): string {
  return path.join(dataDir, "outbox-uploads");
}

export function uploadPath(dataDir: string, id: string): string {
  return path.join(uploadsDir(dataDir), id);
}

export async function createUpload(db: Db, dataDir: string, row: typeof outboxUploads.$inferInsert) {
  const [inserted] = await db.insert(outboxUploads).values(row).returning();
  await fs.mkdir(path.dirname(uploadPath(dataDir, inserted!.id)), { recursive: true });
  await fs.writeFile(uploadPath(dataDir, inserted!.id), new Uint8Array());
  return inserted!;
}

export async function findUpload(db: Db, orgId: string, id: string): Promise<UploadRow | undefined> {
  const [row] = await db
    .select()
    .from(outboxUploads)
    .where(and(eq(outboxUploads.id, id), eq(outboxUploads.orgId, orgId)))
    .limit(1);
  return row;
}

export async function uploadsByIds(db: Db, orgId: string, ids: string[]): Promise<UploadRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(outboxUploads)
    .where(and(eq(outboxUploads.orgId, orgId), inArray(outboxUploads.id, ids)));
}

/** Appends a range that starts where the upload stands; the updated row. */
export async function appendRange(
  db: Db,
  dataDir: string,
  row: UploadRow,
  bytes: Buffer,
): Promise<UploadRow> {
  const file = await fs.open(uploadPath(dataDir, row.id), "r+");
  try {
    await file.write(bytes, 0, bytes.length, row.received);
  } finally {
    await file.close();
  }
  const [updated] = await db
    .update(outboxUploads)
    .set({ received: sql`${row.received + bytes.length}` })
    .where(and(eq(outboxUploads.id, row.id), eq(outboxUploads.received, row.received)))
    .returning();
  return updated ?? row;
}

/** `length` bytes of the upload from `start`. */
export async function readRange(dataDir: string, id: string, start: number, length: number): Promise<Buffer> {
  const file = await fs.open(uploadPath(dataDir, id), "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

export function uploadView(row: UploadRow): UploadItem {
  return {
    id: row.id,
    name: row.name,
    contentType: row.contentType,
    size: row.size,
    received: row.received,
    isInline: row.isInline,
    contentId: row.contentId,
  };
}

/** A sent message's uploads are no longer needed: their bytes and rows go. */
export async function deleteUploads(db: Db, dataDir: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await Promise.all(ids.map((id) => fs.rm(uploadPath(dataDir, id), { force: true })));
  await db.delete(outboxUploads).where(inArray(outboxUploads.id, ids));
}

import fs from "node:fs/promises";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { deleteUploads, uploadsDir } from "./upload-store.ts";

/**
 * Uploads nobody sends: a composer closed for good, a message undone and never sent again, a
 * channel or org removed (its rows go by cascade, its files stay). A sent message deletes its own
 * uploads once matched (outbox-jobs.ts); this sweep takes the rest, so the data directory does not
 * grow by every abandoned 150 MB file.
 */

/** A kept draft names its uploads (the browser's localStorage) for about this long unsent. */
export const UPLOAD_KEEP_DAYS = 7;
/** A file without its row is left this long: its row may be committing right now. */
const ORPHAN_FILE_GRACE_MS = 24 * 3600_000;

/** States in which an outgoing message still needs its files: on its way, or failed with Retry. */
const HOLDING_STATES = ["queued", "draft_created", "patched", "attachments_uploaded", "sent", "failed"];

export async function sweepUploads(
  db: Db,
  dataDir: string,
  now = new Date(),
): Promise<{ rows: number; files: number }> {
  const before = new Date(now.getTime() - UPLOAD_KEEP_DAYS * 24 * 3600_000);
  const stale = await db.execute<{ id: string }>(sql`
    select u.id from outbox_uploads u
    where u.created_at < ${before.toISOString()}
      and not exists (
        select 1 from outbox_messages m
        where m.channel_id = u.channel_id
          and m.state in (${sql.join(
            HOLDING_STATES.map((s) => sql`${s}`),
            sql`, `,
          )})
          and m.attachments @> jsonb_build_array(jsonb_build_object('uploadId', u.id::text))
      )
    limit 1000`);
  const ids = stale.rows.map((r) => r.id);
  await deleteUploads(db, dataDir, ids);
  return { rows: ids.length, files: await removeOrphanFiles(db, dataDir, now) };
}

/** Files in `outbox-uploads/` whose row is gone (cascaded away with its channel or org). */
async function removeOrphanFiles(db: Db, dataDir: string, now: Date): Promise<number> {
  const dir = uploadsDir(dataDir);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  if (names.length === 0) return 0;
  const known = new Set(
    (await db.execute<{ id: string }>(sql`select id::text as id from outbox_uploads`)).rows.map((r) => r.id),
  );
  let removed = 0;
  for (const name of names) {
    if (known.has(name)) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile() || now.getTime() - stat.mtimeMs < ORPHAN_FILE_GRACE_MS) continue;
    await fs.rm(file, { force: true });
    removed++;
  }
  return removed;
}

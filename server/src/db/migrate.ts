import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Database } from "./client.ts";

export const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/**
 * Applies pending migrations (idempotent; safe to run at every start and from several processes).
 * `folder` is for tests that replay history: a copy of the migrations that stops at an older one.
 */
export async function runMigrations(database: Database, folder = migrationsFolder): Promise<void> {
  if (database.kind === "pglite" && database.pglite) {
    await migratePglite(drizzlePglite({ client: database.pglite }), { migrationsFolder: folder });
  } else {
    // Drizzle's pg migrator runs in one transaction; the advisory lock keeps concurrent starts
    // (several web and worker processes) from racing each other.
    const client = await database.pool!.connect();
    try {
      await client.query("select pg_advisory_lock(7201001)");
      await migratePg(drizzlePg({ client }), { migrationsFolder: folder });
    } finally {
      await client.query("select pg_advisory_unlock(7201001)").catch(() => {});
      client.release();
    }
  }
}

import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import pg from "pg";

/**
 * One Drizzle database over either embedded PGlite (DATABASE_URL unset) or node-postgres.
 * Both drivers expose the same query builder; we type it as the node-postgres flavour so
 * modules write one kind of code. No schema is handed to Drizzle: queries name their tables
 * (imported from the module that owns them), and the database layer knows none of them.
 */
export type Db = NodePgDatabase;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Present in embedded mode: the single in-process connection (also used by pg-boss and LISTEN). */
  pglite?: PGlite;
  /** Present on Postgres. */
  pool?: pg.Pool;
  /** Connection string, on Postgres (pg-boss and the LISTEN client open their own connections). */
  url?: string;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | undefined;
  /** Embedded data lives in `<dataDir>/pglite`. */
  dataDir: string;
  /** Pool size on Postgres. */
  poolSize?: number;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on("error", () => {});
    const db = drizzlePg({ client: pool });
    return {
      db,
      kind: "postgres",
      pool,
      url: options.databaseUrl,
      close: () => pool.end(),
    };
  }
  const dir = path.join(options.dataDir, "pglite");
  fs.mkdirSync(dir, { recursive: true });
  const pglite = await PGlite.create(dir);
  const db = drizzlePglite({ client: pglite }) as unknown as Db;
  let closed = false;
  return {
    db,
    kind: "pglite",
    pglite,
    close: async () => {
      if (closed) return;
      closed = true;
      await pglite.close();
    },
  };
}

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { ensureTls } from "../../emulator/src/tls.ts";
import { openDatabase } from "../src/db/client.ts";
import { runMigrations } from "../src/db/migrate.ts";

/**
 * Builds one migrated database template per test run, so each test file gets a fresh database in
 * milliseconds instead of creating and migrating its own: a PGlite data directory to copy, or on
 * Postgres (DATABASE_URL set) a template database to CREATE DATABASE … TEMPLATE from.
 */
export default async function setup(project: TestProject) {
  // Every emulator started by a test serves TLS from this one CA, and every test process trusts it
  // the way production trusts Microsoft: through the process's CA store (forks inherit the env).
  const emulatorDir = path.join(os.tmpdir(), "mailroom-test-emulator-tls");
  const tls = await ensureTls(emulatorDir);
  process.env.NODE_EXTRA_CA_CERTS = tls.caPath;
  project.provide("emulatorTlsDir", emulatorDir);

  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (databaseUrl) {
    const name = `mailroom_tpl_${process.pid}`;
    await adminQuery(databaseUrl, `drop database if exists ${name}`);
    await adminQuery(databaseUrl, `create database ${name}`);
    const url = withDatabase(databaseUrl, name);
    const database = await openDatabase({ databaseUrl: url, dataDir: os.tmpdir() });
    await runMigrations(database);
    await database.close();
    project.provide("dbTemplate", { kind: "postgres", url: databaseUrl, template: name });
    return async () => {
      await adminQuery(databaseUrl, `drop database if exists ${name} with (force)`);
    };
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-tpl-"));
  const database = await openDatabase({ databaseUrl: undefined, dataDir: root });
  await runMigrations(database);
  await database.close();
  project.provide("dbTemplate", { kind: "pglite", dir: path.join(root, "pglite") });
  return () => fs.rmSync(root, { recursive: true, force: true });
}

export type DbTemplate =
  | { kind: "pglite"; dir: string }
  | { kind: "postgres"; url: string; template: string };

declare module "vitest" {
  export interface ProvidedContext {
    dbTemplate: DbTemplate;
    emulatorTlsDir: string;
  }
}

export async function adminQuery(databaseUrl: string, sql: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function withDatabase(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

import { randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type Database, openDatabase } from "../src/db/client.ts";
import { createLogger } from "../src/log.ts";
import { type Mailroom, startMailroom } from "../src/start.ts";
import { adminQuery, withDatabase } from "./global-setup.ts";
import type { LogCapture } from "./log-capture.ts";

/** A fixed key for test processes that share one database (never used outside tests). */
export const TEST_SECRET_KEY = `test:${Buffer.alloc(32, 7).toString("base64")}`;

export interface TestDatabase {
  /** Env that points a Mailroom process at this database. */
  env: Record<string, string>;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one test file: a copied PGlite dir or a Postgres template clone. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject("dbTemplate");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-test-"));
  if (template.kind === "pglite") {
    fs.cpSync(template.dir, path.join(dataDir, "pglite"), { recursive: true });
    return {
      env: { DATA_DIR: dataDir },
      open: () => openDatabase({ databaseUrl: undefined, dataDir }),
      drop: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `mailroom_t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await adminQuery(template.url, `create database ${name} template ${template.template}`);
  const url = withDatabase(template.url, name);
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: url, MAILROOM_SECRET_KEY: TEST_SECRET_KEY },
    open: () => openDatabase({ databaseUrl: url, dataDir }),
    drop: async () => {
      await adminQuery(template.url, `drop database if exists ${name} with (force)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  url: string;
  mailroom: Mailroom;
  database: Database;
  /** A new browser-like client with its own cookie jar. */
  client(): TestClient;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** Keep the server's log in memory (at the capture's level) instead of TEST_LOG_LEVEL to stdout. */
  logs?: LogCapture | undefined;
}

/** The real server (HTTP on a free loopback port) on a fresh database. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const testDb = await createTestDatabase();
  const database = await testDb.open();
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: url,
    LOG_LEVEL: options.logs?.level ?? process.env.TEST_LOG_LEVEL ?? "silent",
    SHUTDOWN_GRACE_SECONDS: "2",
    ...testDb.env,
    ...env,
  });
  const mailroom = await startMailroom(config, { database, logger: createLogger(config, options.logs) });
  return {
    url,
    mailroom,
    database,
    client: () => new TestClient(url),
    async close() {
      await mailroom.close();
      await database.close();
      await testDb.drop();
    },
  };
}

/**
 * A port for a server that must know its URL before it listens (PUBLIC_URL, redirect URIs).
 *
 * Not an ephemeral port: between picking one and listening on it, the kernel may hand the same
 * port to any outgoing connection on the machine (a CI run saw EADDRINUSE that way). Ports come
 * from below Linux's ephemeral range (32768+), from a block of 1,000 per test worker, in turn, and
 * are probed before they are handed out.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < PORT_BLOCK; attempt++) {
    const port = PORTS_FROM + portBlock * PORT_BLOCK + (nextPort++ % PORT_BLOCK);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${PORTS_FROM + portBlock * PORT_BLOCK}+${PORT_BLOCK}`);
}

const PORTS_FROM = 20_000;
const PORT_BLOCK = 1_000;
/** One block per Vitest worker (1…n), else per process; 12 blocks end below 32768. */
const portBlock = (Number(process.env.VITEST_POOL_ID) || process.pid) % 12;
let nextPort = Math.floor(Math.random() * PORT_BLOCK);

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export interface TestResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  setCookies: string[];
}

/** fetch with a cookie jar that sends the CSRF header the way the SPA does. */
export class TestClient {
  readonly cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  get<T = unknown>(pathname: string, init: RequestInit = {}) {
    return this.request<T>("GET", pathname, undefined, init);
  }
  post<T = unknown>(pathname: string, body?: unknown, init: RequestInit = {}) {
    return this.request<T>("POST", pathname, body, init);
  }
  put<T = unknown>(pathname: string, body?: unknown, init: RequestInit = {}) {
    return this.request<T>("PUT", pathname, body, init);
  }
  patch<T = unknown>(pathname: string, body?: unknown, init: RequestInit = {}) {
    return this.request<T>("PATCH", pathname, body, init);
  }
  delete<T = unknown>(pathname: string, init: RequestInit = {}) {
    return this.request<T>("DELETE", pathname, undefined, init);
  }

  /** Makes sure the CSRF cookie exists (the SPA gets it from its first page load). */
  async prime() {
    if (!this.cookies.has("mailroom_csrf")) await this.get("/healthz");
  }

  async request<T>(
    method: string,
    pathname: string,
    body?: unknown,
    init: RequestInit = {},
  ): Promise<TestResponse<T>> {
    if (method !== "GET") await this.prime();
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const csrf = this.cookies.get("mailroom_csrf");
    if (csrf && method !== "GET" && !headers.has("x-csrf-token")) headers.set("x-csrf-token", csrf);
    if (body !== undefined) headers.set("content-type", "application/json");
    if (method !== "GET" && !headers.has("origin")) headers.set("origin", this.baseUrl);
    const res = await fetch(new URL(pathname, this.baseUrl), {
      ...init,
      method,
      headers,
      redirect: "manual",
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const setCookies = res.headers.getSetCookie();
    for (const c of setCookies) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    const parsed = type.includes("json") && text ? (JSON.parse(text) as T) : (text as T);
    return { status: res.status, headers: res.headers, body: parsed, setCookies };
  }
}

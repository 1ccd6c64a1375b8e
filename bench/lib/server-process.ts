import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Emulator } from "../../emulator/src/index.ts";
import { freePort, TestClient } from "../../server/test/harness.ts";
import { BENCH_PASSWORD, createBenchDatabase, registerPlatformApp } from "./mailroom.ts";
import type { Backend } from "./run.ts";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ServerProcess {
  url: string;
  /** The database the server actually opened (checked against the backend asked for). */
  kind: string;
  call<T>(op: string, args?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Mailroom alone in a child process (server-child.ts, `--expose-gc`), as in production: the
 * emulator, the load and the measuring stay in the bench's process. Driven over IPC: `call(op, args)`.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child: ChildProcess = fork(path.join(here, "server-child.ts"), [], {
    env: { ...process.env, ...env },
    // BENCH_SERVER_NODE_ARGS (diagnostics), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
    execArgv: ["--expose-gc", "--import", "tsx", ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ") ?? [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 0;
  const ready = new Promise<{ url: string; kind: string }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server process exited ${code}`)));
    child.on("message", (raw) => {
      const message = raw as {
        ready?: { url: string; kind: string };
        id?: number;
        result?: unknown;
        error?: string;
      };
      if (message.ready) return resolve(message.ready);
      const pending = waiting.get(message.id!);
      waiting.delete(message.id!);
      if (message.error) pending?.reject(new Error(message.error));
      else pending?.resolve(message.result);
    });
  });
  const { url, kind } = await ready;
  return {
    url,
    kind,
    call<T>(op: string, args: unknown = {}): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, op, args });
      });
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
    },
  };
}

const meBody = z.object({ user: z.object({ id: z.string() }), org: z.object({ id: z.string() }) });

/**
 * A Mailroom process on a fresh database, using the emulator as Microsoft with its own platform
 * app, with a signed-up owner and an organisation. `close()` stops it and drops the database.
 */
export async function bootServerProcess(
  backend: Backend,
  emulator: Emulator,
  env: Record<string, string> = {},
) {
  const database = await createBenchDatabase(backend);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await registerPlatformApp(emulator, url);
  const server = await startServerProcess({
    ...database.env,
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    PUBLIC_URL: url,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent",
    SHUTDOWN_GRACE_SECONDS: "2",
    MICROSOFT_LOGIN_URL: emulator.url,
    MICROSOFT_GRAPH_URL: emulator.url,
    MICROSOFT_CLIENT_ID: app.clientId,
    MICROSOFT_CLIENT_SECRET: app.secret,
    WEBHOOKS: "on",
    ...env,
  });
  if (server.kind !== backend) throw new Error(`asked for ${backend}, the server runs on ${server.kind}`);
  const owner = new TestClient(server.url);
  const signUp = await owner.post("/api/auth/sign-up/email", {
    name: "Owner",
    email: "owner@bench.test",
    password: BENCH_PASSWORD,
  });
  if (signUp.status !== 200) throw new Error(`sign-up: ${signUp.status}`);
  await owner.post("/api/orgs", { name: "Bench" });
  const me = meBody.parse((await owner.get("/api/me")).body);
  return {
    server,
    app,
    owner,
    orgId: me.org.id,
    userId: me.user.id,
    async close() {
      await server.stop();
      await database.drop();
    },
  };
}

/** Until every connected channel has its two subscriptions and a delta link per followed folder. */
export async function awaitAllReady(server: ServerProcess, channels: number): Promise<void> {
  const deadline = performance.now() + 1_800_000;
  for (;;) {
    const r = await server.call<{ subscriptions: number; deltaLinks: number }>("readiness");
    if (r.subscriptions >= 2 * channels && r.deltaLinks >= 2 * channels) return;
    if (performance.now() > deadline) throw new Error(`channels not ready: ${JSON.stringify(r)}`);
    if (process.env.BENCH_DEBUG) console.error(`#     ${JSON.stringify(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Test support: a running emulator (frozen clock) and a local receiver playing Mailroom's webhook
 * endpoint (plain node:http on 127.0.0.1), plus helpers to create subscriptions over HTTPS.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createClock } from "../clock.ts";
import type { EmulatorContext } from "../context.ts";
import { issueAccessToken } from "../identity/tokens.ts";
import { MAILROOM_APP, SEED_IDS } from "../seed/default.ts";
import { createEmulator, type Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "../testing/emulator-fetch.ts";
import type { ChangeNotification, LifecycleNotification } from "./payloads.ts";
import { type NotificationRuntime, notificationRuntime } from "./runtime.ts";

export interface Received {
  path: string;
  validationToken: string | null;
  contentType: string | undefined;
  body: string;
}

export type Reply = { status: number; body?: string; contentType?: string } | "hang";

export interface Receiver {
  url: string;
  received: Received[];
  /** Decides each answer; the default echoes validation tokens and accepts notifications with 202. */
  respond: (request: Received) => Reply;
  changes(path?: string): ChangeNotification[];
  lifecycle(path?: string): LifecycleNotification[];
  /** Notification POSTs (not validation requests) to a path. */
  posts(path?: string): Received[];
  close(): Promise<void>;
}

export function echoValidation(request: Received): Reply {
  if (request.validationToken !== null)
    return { status: 200, body: request.validationToken, contentType: "text/plain" };
  return { status: 202 };
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      const request: Received = {
        path: url.pathname,
        validationToken: url.searchParams.get("validationToken"),
        contentType: req.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(request);
      const reply = receiver.respond(request);
      if (reply === "hang") return;
      res.writeHead(reply.status, { "content-type": reply.contentType ?? "text/plain" });
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const posts = (path?: string) =>
    received.filter((r) => r.validationToken === null && (path === undefined || r.path === path));
  const values = <T>(path?: string) =>
    posts(path).flatMap((r) => (JSON.parse(r.body) as { value: T[] }).value);
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}`,
    received,
    respond: echoValidation,
    posts,
    changes: (path) => values<ChangeNotification>(path).filter((n) => "changeType" in n),
    lifecycle: (path) => values<LifecycleNotification>(path).filter((n) => "lifecycleEvent" in n),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

export interface Harness {
  emulator: Emulator;
  ctx: EmulatorContext;
  runtime: NotificationRuntime;
  receiver: Receiver;
  /** A delegated Mail.Read token for a seeded user (support@ by default). */
  token(userId?: string, scopes?: string[]): string;
  /** POST /v1.0/subscriptions with sensible defaults; returns status and JSON body. */
  subscribe(
    body?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; json: SubscriptionJson }>;
  call(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: SubscriptionJson }>;
  /** ISO time `minutes` from the emulator's now. */
  inMinutes(minutes: number): string;
  close(): Promise<void>;
}

export type SubscriptionJson = Record<string, unknown> & {
  id: string;
  error?: { code: string; message: string };
};

export async function startHarness(): Promise<Harness> {
  const emulator = await createEmulator({ clock: createClock({ timeScale: 0 }) });
  const ctx = emulator.app.emulator;
  const receiver = await startReceiver();
  const token = (userId: string = SEED_IDS.users.support, scopes = ["Mail.Read"]) =>
    issueAccessToken(ctx, {
      tenantId: ctx.store.mailbox(userId)!.tenantId,
      clientId: MAILROOM_APP.clientId,
      userId,
      scopes,
      lifetimeSeconds: 3600,
    }).accessToken;
  const call = async (method: string, path: string, body?: unknown, bearer = token()) => {
    const headers = { authorization: `Bearer ${bearer}` };
    const init = body === undefined ? { method, headers } : jsonInit(method, body, headers);
    const response = await emulatorFetch(emulator, path, init);
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : {}) as SubscriptionJson };
  };
  const inMinutes = (minutes: number) => new Date(ctx.clock.now() + minutes * 60_000).toISOString();
  return {
    emulator,
    ctx,
    runtime: notificationRuntime(ctx),
    receiver,
    token,
    call,
    inMinutes,
    subscribe: (body = {}, bearer) =>
      call(
        "POST",
        "/v1.0/subscriptions",
        {
          changeType: "created,updated,deleted",
          notificationUrl: `${receiver.url}/notify`,
          lifecycleNotificationUrl: `${receiver.url}/lifecycle`,
          resource: "/me/mailFolders('inbox')/messages",
          expirationDateTime: inMinutes(60 * 24),
          clientState: "secretClientValue",
          ...body,
        },
        bearer,
      ),
    close: async () => {
      await emulator.close();
      await receiver.close();
    },
  };
}

/**
 * Polls until `check` returns a value other than undefined/false, or fails after the deadline — a
 * generous one, so a busy machine doesn't fail a wait that would pass.
 */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

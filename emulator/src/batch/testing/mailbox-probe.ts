/**
 * Test-only Graph-shaped routes (registered through `createEmulator({ extraModules })`) so that
 * batching, throttling and faults can be tested without depending on the mail routes:
 * `GET|POST /v1.0/me/emulatorProbe/{name}` and `/v1.0/users/{id|upn}/emulatorProbe/{name}`.
 * `?status=404` answers that Graph error; `/{name}/$value` answers PNG bytes.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { EmulatorModule } from "../../context.ts";
import { graphError } from "../../errors/graph-error.ts";
import { issueAccessToken } from "../../identity/tokens.ts";
import { MAILROOM_APP, SEED_IDS } from "../../seed/default.ts";
import type { Emulator } from "../../server.ts";
import { requestTarget } from "../../throttle/request-target.ts";

export const PNG_BYTES = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

export interface MailboxProbe {
  module: EmulatorModule;
  /** `METHOD name` of every request that reached a probe route, in arrival order. */
  calls: string[];
}

export function createMailboxProbe(): MailboxProbe {
  const calls: string[] = [];
  const answer = async (request: FastifyRequest, reply: FastifyReply) => {
    const { name } = request.params as { name: string };
    calls.push(`${request.method} ${name}`);
    const status = Number((request.query as { status?: string }).status ?? 0);
    if (status >= 400) return graphError(reply, status, "ErrorProbe", `Probe answered ${status}.`);
    const { mailboxId, appId } = requestTarget(
      request.server.emulator.store,
      request.url,
      request.headers.authorization,
    );
    const body = { name, mailboxId: mailboxId ?? null, appId: appId ?? null, received: request.body ?? null };
    return reply.code(request.method === "POST" ? 201 : 200).send(body);
  };
  const png = async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type("image/png").send(PNG_BYTES);
  return {
    calls,
    module: {
      name: "mailbox-probe",
      prefix: "/v1.0",
      plugin: async (app) => {
        for (const base of ["/me", "/users/:user"]) {
          app.get(`${base}/emulatorProbe/:name`, answer);
          app.post(`${base}/emulatorProbe/:name`, answer);
          app.get(`${base}/emulatorProbe/:name/$value`, png);
        }
      },
    },
  };
}

/** A delegated Graph token of the Mailroom app for a seeded user (support@contoso.com by default). */
export function delegatedToken(emulator: Emulator, userId: string = SEED_IDS.users.support): string {
  const user = emulator.store.mailbox(userId);
  if (!user) throw new Error(`no seeded user ${userId}`);
  return issueAccessToken(emulator.app.emulator, {
    tenantId: user.tenantId,
    clientId: MAILROOM_APP.clientId,
    userId: user.id,
    scopes: ["Mail.ReadWrite", "Mail.Send", "User.Read"],
  }).accessToken;
}

/**
 * Polls `condition` until it holds, failing after `timeoutMs` (tests never sleep fixed times) — a
 * generous deadline, so a busy machine doesn't fail a wait that would pass.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { assertStorable } from "../db/storable-input.ts";
import { badRequest, notFound } from "../errors.ts";
import { AUTH_BASE_PATH, type Auth, CLIENT_IP_HEADER } from "./auth.ts";
import { authBodies } from "./auth-bodies.ts";
import { toAppError } from "./auth-errors.ts";
import { toFetchHeaders } from "./fetch-headers.ts";
import type { SignInFailures } from "./sign-in-failures.ts";

/**
 * The Better Auth endpoints the browser may call. Everything else under /api/auth answers 404:
 * organizations are managed through our REST routes only (they own org scoping and the 404
 * rules), and unused features (password reset by email, account linking…) stay unreachable.
 */
export const EXPOSED_AUTH_ENDPOINTS: ReadonlySet<string> = new Set([
  "POST /sign-up/email",
  "POST /sign-in/email",
  "POST /sign-out",
  "GET /get-session",
  "POST /change-password",
]);

const SIGN_IN = "/sign-in/email";
const AUTH_BODY_LIMIT = 16 * 1024;
/** Hop-by-hop and framing headers: Fetch recomputes them for the forwarded request and the reply. */
const NOT_FORWARDED = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length"]);

/** Mounts Better Auth's handler at /api/auth/*: Fastify request → Fetch Request → reply. */
export const authProxy: FastifyPluginAsync<{
  auth: Auth;
  publicUrl: string;
  signIns: SignInFailures;
}> = async (app, { auth, publicUrl, signIns }) => {
  // Better Auth reads the body itself, so this scope keeps it raw.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: AUTH_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  app.all(`${AUTH_BASE_PATH}/*`, async (request, reply) => {
    const path = (request.url.split("?")[0] ?? "").slice(AUTH_BASE_PATH.length);
    if (!EXPOSED_AUTH_ENDPOINTS.has(`${request.method} ${path}`)) throw notFound();
    const body = checkedBody(path, request.body);
    // Refused here while the client's failed sign-ins stand at the limit, before any password check.
    const attempt = path === SIGN_IN ? await signIns.begin(request.ip) : undefined;
    let status = 500;
    try {
      const response = await auth.handler(toFetchRequest(request, publicUrl, body));
      status = response.status;
      return await sendFetchResponse(reply, response);
    } finally {
      await attempt?.settle(status);
    }
  });
};

/** The body to forward: for endpoints with a schema, only the validated fields (else 400 naming them). */
function checkedBody(path: string, raw: unknown): Buffer | string | undefined {
  const body = Buffer.isBuffer(raw) && raw.length > 0 ? raw : undefined;
  const schema = authBodies[path];
  if (!schema) return body;
  let json: unknown;
  try {
    json = JSON.parse(body?.toString("utf8") ?? "{}");
  } catch {
    throw badRequest("The request body is not valid JSON");
  }
  // The root input guard skips this raw body, so the same check runs here, before Better Auth.
  assertStorable(json);
  return JSON.stringify(schema.parse(json));
}

function toFetchRequest(
  request: FastifyRequest,
  publicUrl: string,
  body: Buffer | string | undefined,
): Request {
  const headers = toFetchHeaders(request.headers);
  for (const name of NOT_FORWARDED) headers.delete(name);
  // Better Auth rate-limits by client IP; it reads only this header, which we set from Fastify.
  headers.set(CLIENT_IP_HEADER, request.ip);
  if (typeof body === "string") headers.set("content-type", "application/json");
  return new Request(new URL(request.url, publicUrl), {
    method: request.method,
    headers,
    ...(body !== undefined ? { body: new Uint8Array(Buffer.from(body)) } : {}),
  });
}

async function sendFetchResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  const text = await response.text();
  if (response.status >= 400) throw toAppError(refusalOf(response, text));
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie" && !NOT_FORWARDED.has(name)) reply.header(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length) reply.header("set-cookie", cookies);
  reply.status(response.status);
  if (!text) return reply.send();
  const isJson = (response.headers.get("content-type") ?? "").includes("json");
  return reply.send(isJson ? JSON.stringify(withoutTokens(JSON.parse(text))) : text);
}

function refusalOf(response: Response, text: string) {
  let body: { code?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(text) ?? {};
  } catch {
    // Not JSON: the status alone decides.
  }
  const retryAfter = Number(response.headers.get("x-retry-after"));
  return {
    status: response.status,
    code: typeof body.code === "string" ? body.code : undefined,
    message: typeof body.message === "string" ? body.message : undefined,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
}

/**
 * Drops the raw session token Better Auth puts in sign-in, sign-up and get-session bodies: the
 * browser holds it only in the httpOnly cookie, out of reach of scripts.
 */
export function withoutTokens(body: unknown): unknown {
  if (!body || typeof body !== "object" || Array.isArray(body)) return body;
  const { token: _token, session, ...rest } = body as Record<string, unknown>;
  if (session && typeof session === "object" && !Array.isArray(session)) {
    const { token: _sessionToken, ...sessionRest } = session as Record<string, unknown>;
    return { ...rest, session: sessionRest };
  }
  return session === undefined ? rest : { ...rest, session };
}

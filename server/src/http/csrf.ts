import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { AppError } from "../errors.ts";

export const CSRF_COOKIE = "mailroom_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** Routes called by Microsoft, not browsers: authenticated by their own means (clientState). */
const EXEMPT = new Set(["/api/outlook/webhook", "/api/outlook/lifecycle"]);
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface CsrfOptions {
  /** Origins allowed to make state-changing requests (PUBLIC_URL's, plus Vite's in dev). */
  allowedOrigins: string[];
  secureCookies: boolean;
}

/**
 * CSRF protection for every state-changing /api route: a double-submit token (random cookie the
 * SPA echoes in a header, compared in constant time) plus an Origin check when the browser sends
 * one. SameSite=Lax session cookies are the third layer.
 */
export function registerCsrf(app: FastifyInstance, options: CsrfOptions): void {
  const allowed = new Set(options.allowedOrigins.map((o) => new URL(o).origin));

  app.addHook("onRequest", async (request, reply) => {
    let token = request.cookies[CSRF_COOKIE];
    if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) {
      token = randomBytes(32).toString("base64url");
      reply.setCookie(CSRF_COOKIE, token, {
        path: "/",
        sameSite: "lax",
        secure: options.secureCookies,
        httpOnly: false, // the SPA reads it to echo it back
      });
      request.cookies[CSRF_COOKIE] = token;
      // A request that arrived without the cookie cannot carry a matching header.
      if (needsCheck(request)) throw csrfError();
      return;
    }
    if (!needsCheck(request)) return;
    const origin = request.headers.origin;
    if (origin && !allowed.has(origin)) throw csrfError();
    const header = request.headers[CSRF_HEADER];
    if (typeof header !== "string" || !equal(header, token)) throw csrfError();
  });
}

function needsCheck(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const path = request.url.split("?")[0] ?? "";
  return path.startsWith("/api/") && !EXEMPT.has(path);
}

function equal(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

function csrfError(): AppError {
  return new AppError(
    "csrf_failed",
    "This request was refused as a possible cross-site request. Reload the page and try again.",
  );
}

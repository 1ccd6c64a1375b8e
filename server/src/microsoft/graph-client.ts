import { z } from "zod";
import type { RequestLimiter } from "./request-limiter.ts";

/**
 * The one Microsoft Graph client. Every mail request carries `Prefer: IdType="ImmutableId"` so ids
 * survive moves; 429/503/504 are retried after `Retry-After` for requests that are safe to repeat;
 * an expired access token is refreshed once. Errors surface as GraphError with Graph's code.
 * https://learn.microsoft.com/graph/throttling · https://learn.microsoft.com/graph/outlook-immutable-id
 */
export interface GraphClientOptions {
  graphUrl: string;
  /** Returns a valid access token; `forceRefresh` after a 401. */
  accessToken(forceRefresh: boolean): Promise<string>;
  fetch?: typeof fetch;
  /** Retries of throttled/unavailable answers for repeatable requests. */
  maxRetries?: number;
  /** Longest Retry-After we wait in-line; longer ones are thrown to the caller (a job reschedules). */
  maxInlineWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Wraps every HTTP call (each attempt, not the waits between them) so a mailbox never has more
   * than its share of requests in flight; see request-limiter.ts.
   */
  limiter?: RequestLimiter;
  /**
   * Graph answered 401 again with a token refreshed for the retry: no token will cure it. Called
   * before the 401 is thrown; may throw its own error instead.
   */
  onStillUnauthorized?: () => Promise<void>;
}

export interface GraphRequest {
  method?: "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
  /** Path under /v1.0, e.g. "/me?$select=id". */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to send twice (GET, PATCH of absolute values, DELETE). Default: GET only. */
  repeatable?: boolean;
  /** How many of the mailbox's concurrent-request slots this call takes: a `$batch` takes one per item. */
  weight?: number;
}

export class GraphError extends Error {
  override name = "GraphError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

const graphErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string().default("") }) });

export interface GraphClient {
  request<T>(req: GraphRequest, schema: z.ZodType<T>): Promise<T>;
  /**
   * Turns an absolute link Graph returned (nextLink, deltaLink) into a path for `request`.
   * Refuses links to any other host, so a token is never sent elsewhere.
   */
  pathOf(link: string): string;
  /** For answers without a body (202, 204). */
  send(req: GraphRequest): Promise<void>;
  /**
   * Runs `fn` with a client whose requests share `weight` of the mailbox's slots, taken once for
   * all of them (RequestLimiter.hold); without a limiter, `fn` gets this client.
   */
  holding<T>(weight: number, fn: (graph: GraphClient) => Promise<T>): Promise<T>;
}

export function createGraphClient(options: GraphClientOptions): GraphClient {
  const doFetch = options.fetch ?? fetch;
  const maxRetries = options.maxRetries ?? 3;
  const maxInlineWaitMs = options.maxInlineWaitMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const base = `${options.graphUrl}/v1.0`;

  /**
   * One HTTP exchange. Under a limiter the body is read before the slot is given back: Graph counts
   * a request as in flight until its answer is sent.
   */
  function call(req: GraphRequest, token: string): Promise<Response> {
    const once = () => exchange(doFetch, base, req, token);
    if (!options.limiter) return once();
    return options.limiter.run(() => once().then(readFully), req.weight ?? 1);
  }

  async function raw(req: GraphRequest): Promise<Response> {
    const repeatable = req.repeatable ?? (req.method ?? "GET") === "GET";
    let token = await options.accessToken(false);
    let refreshed = false;
    for (let attempt = 0; ; ) {
      const res = await call(req, token);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await res.body?.cancel();
        token = await options.accessToken(true);
        continue;
      }
      if (res.status === 401) await options.onStillUnauthorized?.();
      if (![429, 503, 504].includes(res.status)) return res;
      const waitMs = retryAfterMs(res.headers.get("retry-after"), attempt);
      if (!repeatable || attempt >= maxRetries || waitMs > maxInlineWaitMs) return res;
      await res.body?.cancel();
      await sleep(waitMs);
      attempt++;
    }
  }

  const client: GraphClient = {
    pathOf(link) {
      if (!link.startsWith(`${base}/`))
        throw new GraphError(0, "UnexpectedLink", "Graph returned a link to another host");
      return link.slice(base.length);
    },
    async request(req, schema) {
      const res = await raw(req);
      if (!res.ok) return fail(res);
      const json: unknown = await res.json();
      const parsed = schema.safeParse(json);
      if (!parsed.success)
        throw new GraphError(
          res.status,
          "UnexpectedResponse",
          `Graph answered ${req.path} in an unexpected shape`,
        );
      return parsed.data;
    },
    async send(req) {
      const res = await raw(req);
      if (!res.ok) return fail(res);
      await res.body?.cancel();
    },
    holding(weight, fn) {
      if (!options.limiter) return fn(client);
      return options.limiter.hold(weight, (held) => fn(createGraphClient({ ...options, limiter: held })));
    },
  };
  return client;
}

/** The request as Graph wants it: bearer token, JSON, immutable ids. */
function exchange(doFetch: typeof fetch, base: string, req: GraphRequest, token: string): Promise<Response> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: "application/json",
    prefer: 'IdType="ImmutableId"',
    ...req.headers,
  };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  return doFetch(`${base}${req.path}`, {
    method: req.method ?? "GET",
    headers,
    ...(req.body !== undefined ? { body: JSON.stringify(req.body) } : {}),
    signal: AbortSignal.timeout(60_000),
  });
}

/** The same answer with its body already read off the wire. */
async function readFully(res: Response): Promise<Response> {
  const body = await res.arrayBuffer();
  return new Response([101, 204, 205, 304].includes(res.status) ? null : body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

/** Throws Graph's error answer as a GraphError with its code, message and Retry-After. */
async function fail(res: Response): Promise<never> {
  const json: unknown = await res.json().catch(() => undefined);
  const parsed = graphErrorBody.safeParse(json);
  const retryAfter = res.headers.get("retry-after");
  throw new GraphError(
    res.status,
    parsed.success ? parsed.data.error.code : `http_${res.status}`,
    parsed.success ? parsed.data.error.message : res.statusText,
    retryAfter ? Number(retryAfter) : undefined,
  );
}

/** Retry-After in seconds (may be fractional) or an HTTP date; exponential backoff without it. */
export function retryAfterMs(header: string | null, attempt: number): number {
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return Math.min(30_000, 1000 * 2 ** attempt);
}

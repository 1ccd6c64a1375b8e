import {
  type FieldIssue,
  type RequestOf,
  type ResponseOf,
  type RouteDefinition,
  routeUrl,
} from "@mailroom/contract";

/**
 * The one way the SPA talks to the server: a route of the contract (`@mailroom/contract`) called
 * with its params, query and body, answered with what its response schema reads — same-origin
 * JSON with the session cookie, the CSRF double-submit header on every state-changing request, and
 * errors turned into `ApiError`s built from the server's `application/problem+json` bodies.
 */

export const CSRF_COOKIE = "mailroom_csrf";
export const CSRF_HEADER = "x-csrf-token";

export type { FieldIssue };

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly code: string,
    /** Words for people: the problem's `title`. */
    readonly title: string,
    readonly fields: FieldIssue[] = [],
    readonly requestId?: string,
    /** The whole problem body: some problems carry more (a send's newer messages, outbox.ts). */
    readonly problem: unknown = undefined,
  ) {
    super(title);
  }

  /** Server messages keyed by field name, for showing next to inputs. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { field, message } of this.fields) out[field] ??= message;
    return out;
  }
}

type Method = RouteDefinition["method"];

const sessionEndedListeners = new Set<() => void>();

/**
 * Called when an API request answers 401 although the app believed it was signed in (session
 * expired or revoked elsewhere), so the session can be re-read and the user sent to log in.
 */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => {
    sessionEndedListeners.delete(listener);
  };
}

/** 401s that are answers, not a lost session: the session probe itself and the login forms. */
const isSessionProbe = (path: string) => path === "/api/me" || path.startsWith("/api/auth/");

/** The call's input; optional when the route needs no params and no body. */
type CallArgs<Route extends RouteDefinition> =
  Record<string, never> extends RequestOf<Route> ? [input?: RequestOf<Route>] : [input: RequestOf<Route>];

/**
 * Calls a contract route: fills in its path params (URI-encoded), adds its query, sends its body,
 * and returns the answer as the route's response schema reads it. An answer that doesn't match
 * the schema is an `ApiError` (`unexpected_response`), never a value of the wrong shape.
 */
export async function callApi<Route extends RouteDefinition>(
  route: Route,
  ...[input]: CallArgs<Route>
): Promise<ResponseOf<Route>> {
  const url = routeUrl(route, input?.params, input?.query);
  const answer = await request(route.method, url, input?.body);
  return readAnswer(route, answer);
}

/**
 * Better Auth's own endpoints (`/api/auth/*`: sign up, sign in, sign out) are not in the contract:
 * their answers are Better Auth's, and the app only needs to know they succeeded.
 */
export async function postToAuth(path: `/api/auth/${string}`, body: unknown): Promise<void> {
  await request("POST", path, body);
}

interface Answer {
  status: number;
  payload: unknown;
}

/** The answer read with the route's schema for its status; anything else is the server's bug. */
function readAnswer<Route extends RouteDefinition>(route: Route, answer: Answer): ResponseOf<Route> {
  const schema = Object.entries(route.response).find(([status]) => Number(status) === answer.status)?.[1];
  const parsed = schema?.safeParse(answer.payload);
  if (!parsed?.success) {
    console.error(
      `${route.method} ${route.path} answered ${answer.status} with an unexpected body`,
      parsed?.error,
    );
    throw new ApiError(
      answer.status,
      "unexpected_response",
      "Mailroom answered in a way this page doesn't understand. Reload the page and try again.",
    );
  }
  // Checked just above by the route's own schema for this status.
  return parsed.data as ResponseOf<Route>;
}

async function request(method: Method, path: string, body?: unknown, retried = false): Promise<Answer> {
  const headers = new Headers({ accept: "application/json, application/problem+json" });
  if (body !== undefined) headers.set("content-type", "application/json");
  if (method !== "GET") headers.set(CSRF_HEADER, await csrfToken());

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, "network", "Can't reach Mailroom. Check your connection and try again.");
  }

  const payload = await readBody(response);
  if (response.ok) return { status: response.status, payload };
  const error = toApiError(response, payload);
  if (response.status === 401 && !isSessionProbe(path))
    for (const listener of sessionEndedListeners) listener();
  // The server rotates a missing or malformed CSRF cookie on the refused request itself, so one
  // retry with the fresh cookie recovers (e.g. after the cookie was cleared in another tab).
  if (error.code === "csrf_failed" && !retried) return request(method, path, body, true);
  throw error;
}

async function csrfToken(): Promise<string> {
  const existing = readCookie(CSRF_COOKIE);
  if (existing) return existing;
  // The server sets the cookie on any response; /healthz is the cheapest one.
  await fetch("/healthz", { credentials: "same-origin" }).catch(() => undefined);
  return readCookie(CSRF_COOKIE) ?? "";
}

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, payload: unknown): ApiError {
  const body = isRecord(payload) ? payload : {};
  const title = stringField(body, "title") ?? stringField(body, "message") ?? fallbackTitle(response.status);
  const code = stringField(body, "code") ?? `http_${response.status}`;
  const fields = Array.isArray(body.fields) ? body.fields.filter(isFieldIssue) : [];
  return new ApiError(response.status, code, title, fields, stringField(body, "requestId"), payload);
}

function fallbackTitle(status: number): string {
  if (status === 401) return "Please log in";
  if (status === 403) return "You don't have permission to do that";
  if (status === 404) return "Not found";
  if (status === 429) return "Too many attempts, try again in a minute";
  if (status >= 500) return "Something went wrong on our side. Try again in a moment.";
  return "The request could not be completed";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" && value ? value : undefined;
}

function isFieldIssue(value: unknown): value is FieldIssue {
  return isRecord(value) && typeof value.field === "string" && typeof value.message === "string";
}

/** The message to show for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.title;
  return "Something went wrong. Try again.";
}

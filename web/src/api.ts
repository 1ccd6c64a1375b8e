/**
 * The one way the SPA talks to the server: same-origin JSON with the session cookie, the CSRF
 * double-submit header on every state-changing request, and errors turned into `ApiError`s built
 * from the server's `application/problem+json` bodies.
 */

export const CSRF_COOKIE = "mailroom_csrf";
export const CSRF_HEADER = "x-csrf-token";

export interface FieldIssue {
  field: string;
  message: string;
}

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

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

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

export function apiGet<T>(path: string): Promise<T> {
  return request<T>("GET", path);
}
export function apiPost<T>(path: string, body?: unknown): Promise<T> {
  return request<T>("POST", path, body);
}
export function apiPatch<T>(path: string, body?: unknown): Promise<T> {
  return request<T>("PATCH", path, body);
}
export function apiPut<T>(path: string, body?: unknown): Promise<T> {
  return request<T>("PUT", path, body);
}
export function apiDelete<T>(path: string): Promise<T> {
  return request<T>("DELETE", path);
}

async function request<T>(method: Method, path: string, body?: unknown, retried = false): Promise<T> {
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
  if (response.ok) return payload as T;
  const error = toApiError(response, payload);
  if (response.status === 401 && !isSessionProbe(path))
    for (const listener of sessionEndedListeners) listener();
  // The server rotates a missing or malformed CSRF cookie on the refused request itself, so one
  // retry with the fresh cookie recovers (e.g. after the cookie was cleared in another tab).
  if (error.code === "csrf_failed" && !retried) return request<T>(method, path, body, true);
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
  return new ApiError(response.status, code, title, fields, stringField(body, "requestId"));
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

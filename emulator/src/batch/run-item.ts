/**
 * Runs one batch item through the emulator's real routes (`app.inject`), so tokens, scopes,
 * throttling, faults and request counters apply to it exactly as to a direct request. The item
 * carries the batch's Authorization header; its own headers are added.
 * Item and response format: https://learn.microsoft.com/graph/json-batching
 */
import type { FastifyInstance, FastifyRequest, InjectOptions } from "fastify";
import { graphErrorBody } from "../errors/graph-error.ts";
import { isBatchEnvelope, pathOf } from "../throttle/request-target.ts";
import type { BatchItem } from "./batch-request.ts";
import type { BatchItemResponse } from "./run-in-order.ts";

const METHODS = new Set(["GET", "POST", "PATCH", "PUT", "DELETE"]);
type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Transport headers that describe the HTTP exchange, not the item's answer. */
const HIDDEN_RESPONSE_HEADERS = new Set([
  "connection",
  "content-length",
  "date",
  "keep-alive",
  "transfer-encoding",
  "request-id",
  "client-request-id",
]);
const DROPPED_ITEM_HEADERS = new Set(["authorization", "host", "content-length", "connection"]);

/** Graph spells item header names like `Content-Type`, and SDKs read them case-sensitively. */
const SPECIAL_NAMES: Record<string, string> = { "odata-version": "OData-Version", etag: "ETag" };

export async function runBatchItem(
  app: FastifyInstance,
  outer: FastifyRequest,
  item: BatchItem,
): Promise<BatchItemResponse> {
  const itemError = (status: number, code: string, message: string): BatchItemResponse => ({
    id: item.id,
    status,
    headers: { "Content-Type": "application/json" },
    body: graphErrorBody(outer, code, message),
  });
  const method = item.method.toUpperCase();
  if (!METHODS.has(method)) return itemError(400, "BadRequest", `Invalid method '${item.method}'.`);
  if (/^[a-z][a-z0-9+.-]*:/i.test(item.url))
    return itemError(400, "BadRequest", "The url of a batch request must be relative, such as /me/messages.");
  // `me/messages`, `/me/messages` and `/v1.0/me/messages` (what Graph SDKs send) all work.
  const url = `/v1.0${item.url.replace(/^\/?(?:v1\.0\/)?/i, "/")}`;
  if (isBatchEnvelope(pathOf(url)))
    return itemError(400, "BadRequest", "A batch request cannot contain another batch request.");

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(item.headers ?? {})) {
    if (!DROPPED_ITEM_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = String(value);
  }
  if (outer.headers.authorization) headers.authorization = outer.headers.authorization;
  const options: InjectOptions = { method: method as Method, url, headers };
  if (item.body !== undefined) {
    const type = headers["content-type"];
    if (!type)
      return itemError(400, "BadRequest", "A Content-Type header is required for a request with a body.");
    options.payload = itemPayload(item.body, type);
  }
  try {
    return toItemResponse(item.id, await app.inject(options));
  } catch (error) {
    outer.log.error({ err: error }, "batch item failed");
    return itemError(500, "InternalServerError", "The batch item could not be run.");
  }
}

/** JSON bodies as JSON; other types are base64 (e.g. images) or, for text, the text itself. */
function itemPayload(body: unknown, contentType: string): string | Buffer {
  if (isJson(contentType) || typeof body !== "string") return JSON.stringify(body);
  return contentType.startsWith("text/") ? body : Buffer.from(body, "base64");
}

interface InjectedResponse {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  rawPayload: Buffer;
  payload: string;
}

export function toItemResponse(id: string, response: InjectedResponse): BatchItemResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined || HIDDEN_RESPONSE_HEADERS.has(name.toLowerCase())) continue;
    headers[canonicalHeaderName(name)] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  const result: BatchItemResponse = { id, status: response.statusCode, headers };
  if (response.rawPayload.length === 0) return result;
  const type = headers["Content-Type"] ?? "";
  if (isJson(type)) {
    try {
      result.body = JSON.parse(response.payload);
      return result;
    } catch {
      // Not actually JSON: fall through to base64 like any other content.
    }
  }
  // Graph returns non-JSON item bodies base64-encoded.
  result.body = response.rawPayload.toString("base64");
  return result;
}

export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return (
    SPECIAL_NAMES[lower] ??
    lower
      .split("-")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join("-")
  );
}

function isJson(contentType: string): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(contentType.trim());
}

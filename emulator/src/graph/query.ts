/**
 * OData query options for message collections: `$select`, `$top` (1–1000), `$skip`, `$orderby`,
 * `$filter`, `$count`, `$expand=attachments` (with a nested `$select`), and the `@odata.nextLink`
 * that continues a page (absolute https URL). Graph accepts the options with or without `$`.
 * https://learn.microsoft.com/graph/query-parameters
 */
import type { FastifyRequest } from "fastify";
import { type CompiledFilter, compileFilter, FilterError } from "./filter.ts";
import { type AttachmentExpand, SELECTABLE_MESSAGE_FIELDS } from "./message-view.ts";

export class QueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface MessageQuery {
  select: string[] | null;
  top: number;
  skip: number;
  orderBy: { field: string; desc: boolean }[];
  filter: CompiledFilter | null;
  count: boolean;
  expand: AttachmentExpand | null;
}

/** Properties of the base attachment type a nested `$select` may name. */
export const SELECTABLE_ATTACHMENT_FIELDS: ReadonlySet<string> = new Set([
  "id",
  "name",
  "contentType",
  "size",
  "isInline",
  "lastModifiedDateTime",
]);

/**
 * fileAttachment's own properties, selected with a type cast (`microsoft.graph.fileAttachment/contentId`)
 * and returned under their plain names. https://learn.microsoft.com/graph/api/resources/fileattachment
 */
const FILE_ATTACHMENT_CAST = "microsoft.graph.fileAttachment/";
const FILE_ATTACHMENT_FIELDS: ReadonlySet<string> = new Set(["contentId", "contentLocation", "contentBytes"]);

const DEFAULT_PAGE = 10;
const MAX_TOP = 1000;

export type Query = Record<string, string | undefined>;

/** `$select` or `select`. */
export function option(query: Query, name: string): string | undefined {
  return query[`$${name}`] ?? query[name];
}

export function parseSelect(
  raw: string | undefined,
  known: ReadonlySet<string>,
  type: string,
): string[] | null {
  if (raw === undefined || raw.trim() === "") return null;
  const fields = raw
    .split(",")
    .map((field) => field.trim())
    .filter(Boolean);
  for (const field of fields) {
    if (!known.has(field))
      throw new QueryError(
        "RequestBroker--ParseUri",
        `Could not find a property named '${field}' on type '${type}'.`,
      );
  }
  return fields;
}

export function parseMessageFilter(raw: string | undefined): CompiledFilter | null {
  if (raw === undefined || raw.trim() === "") return null;
  try {
    return compileFilter(raw, (name) => SELECTABLE_MESSAGE_FIELDS.has(name));
  } catch (error) {
    if (error instanceof FilterError) throw new QueryError("BadRequest", error.message);
    throw error;
  }
}

export function parseMessageQuery(request: FastifyRequest): MessageQuery {
  const query = request.query as Query;
  const top = parseCount(option(query, "top"), "$top", DEFAULT_PAGE);
  const skip = parseCount(option(query, "skip"), "$skip", 0);
  const orderBy = (option(query, "orderby") ?? "receivedDateTime desc")
    .split(",")
    .map((clause) => clause.trim().split(/\s+/))
    .filter((parts) => parts[0])
    .map(([field, direction]) => {
      if (!SELECTABLE_MESSAGE_FIELDS.has(field!))
        throw new QueryError(
          "BadRequest",
          `Could not find a property named '${field}' on type 'microsoft.graph.message'.`,
        );
      return { field: field!, desc: direction?.toLowerCase() === "desc" };
    });
  const filter = parseMessageFilter(option(query, "filter"));
  if (filter && option(query, "orderby"))
    checkSortRestriction(
      filter.properties,
      orderBy.map((o) => o.field),
    );
  return {
    select: parseSelect(option(query, "select"), SELECTABLE_MESSAGE_FIELDS, "microsoft.graph.message"),
    top: Math.min(top, MAX_TOP),
    skip,
    orderBy,
    filter,
    count: parseBoolean(option(query, "count"), "$count"),
    expand: parseExpand(option(query, "expand")),
  };
}

function parseBoolean(raw: string | undefined, name: string): boolean {
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (value !== "true" && value !== "false")
    throw new QueryError("BadRequest", `Invalid value '${raw}' for query option '${name}'.`);
  return value === "true";
}

/** Splits on commas outside parentheses: `a,b($select=c,d)` → `a`, `b($select=c,d)`. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "(") depth++;
    else if (char === ")") depth--;
    else if (char === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) break;
  }
  if (depth !== 0)
    throw new QueryError("BadRequest", `Invalid $expand: unbalanced parentheses in '${text}'.`);
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter(Boolean);
}

/**
 * `$expand` for messages. Only the `attachments` navigation property is modelled; nested options
 * are `$select` alone (`;`-separated per OData, so anything else is refused rather than ignored).
 */
export function parseExpand(raw: string | undefined): AttachmentExpand | null {
  if (raw === undefined || raw.trim() === "") return null;
  let expand: AttachmentExpand | null = null;
  for (const item of splitTopLevel(raw, ",")) {
    const match = /^([A-Za-z]+)\s*(?:\((.*)\))?$/s.exec(item);
    if (!match) throw new QueryError("BadRequest", `Invalid $expand item '${item}'.`);
    const [, name, nested] = match;
    if (name !== "attachments")
      throw new QueryError(
        "BadRequest",
        `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type 'microsoft.graph.message'.`,
      );
    let select: string[] | null = null;
    for (const clause of splitTopLevel(nested ?? "", ";")) {
      const [key, value] = clause.split(/=(.*)/s, 2).map((part) => part.trim());
      if (key !== "$select" && key !== "select")
        throw new QueryError(
          "BadRequest",
          `The query option '${key}' is not supported inside $expand=attachments.`,
        );
      select = parseAttachmentSelect(value);
    }
    expand = { select };
  }
  return expand;
}

/**
 * `$select` on an attachment itself (`GET …/attachments/{id}?$select=…`, or the list): the
 * attachment's and fileAttachment's properties by plain name (the large-attachments walkthrough
 * selects `contentId,contentLocation` that way) or with the type cast.
 */
export function parseAttachmentEntitySelect(raw: string | undefined): string[] | null {
  if (raw === undefined || raw.trim() === "") return null;
  const cast = (field: string) =>
    FILE_ATTACHMENT_FIELDS.has(field.trim()) ? `${FILE_ATTACHMENT_CAST}${field.trim()}` : field;
  return parseAttachmentSelect(raw.split(",").map(cast).join(","));
}

function parseAttachmentSelect(raw: string | undefined): string[] | null {
  const fields = (raw ?? "").split(",").map((field) => field.trim());
  const plain = fields.map((field) => {
    if (!field.startsWith(FILE_ATTACHMENT_CAST)) return field;
    const name = field.slice(FILE_ATTACHMENT_CAST.length);
    if (!FILE_ATTACHMENT_FIELDS.has(name))
      throw new QueryError(
        "RequestBroker--ParseUri",
        `Could not find a property named '${name}' on type 'microsoft.graph.fileAttachment'.`,
      );
    return `${FILE_ATTACHMENT_CAST}${name}`;
  });
  const base = plain.filter((field) => !field.startsWith(FILE_ATTACHMENT_CAST)).join(",");
  parseSelect(base || undefined, SELECTABLE_ATTACHMENT_FIELDS, "microsoft.graph.attachment");
  const selected = plain.filter(Boolean).map((field) => field.replace(FILE_ATTACHMENT_CAST, ""));
  return selected.length ? selected : null;
}

function parseCount(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new QueryError("BadRequest", `Invalid value '${raw}' for query option '${name}'.`);
  return value === 0 && name === "$top" ? fallback : value;
}

/**
 * Exchange's rule: properties in `$orderby` must come first in `$filter`, in the same order.
 * https://learn.microsoft.com/graph/api/user-list-messages ("Using filter and orderby in the same query")
 */
function checkSortRestriction(filterProps: string[], orderProps: string[]): void {
  const ordered = orderProps.every((prop, index) => filterProps[index] === prop);
  if (!ordered)
    throw new QueryError(
      "InefficientFilter",
      "The restriction or sort order is too complex for this operation.",
    );
}

/** The request's own URL (absolute, https) with `$skip` moved on: Graph's message-list nextLink. */
export function nextSkipLink(request: FastifyRequest, baseUrl: string, skip: number): string {
  const url = new URL(request.url, baseUrl);
  url.searchParams.delete("skip");
  url.searchParams.set("$skip", String(skip));
  return url.toString().replace(/%24/g, "$");
}

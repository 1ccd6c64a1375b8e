/**
 * OData query options for message collections: `$select`, `$top` (1–1000), `$skip`, `$orderby`,
 * `$filter`, `$count`, and the `@odata.nextLink` that continues a page (absolute https URL).
 * Graph accepts the options with or without `$`. https://learn.microsoft.com/graph/query-parameters
 */
import type { FastifyRequest } from "fastify";
import { type CompiledFilter, compileFilter, FilterError } from "./filter.ts";
import { SELECTABLE_MESSAGE_FIELDS } from "./message-view.ts";

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
  expandAttachments: boolean;
}

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
    count: option(query, "count")?.toLowerCase() === "true",
    expandAttachments: (option(query, "expand") ?? "").split(",").some((e) => e.trim() === "attachments"),
  };
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

import type { z } from "zod";

/**
 * A route of the HTTP API, declared once as data: its method, its path with `:name` placeholders,
 * and zod schemas for what goes in (params, query, body) and what comes back per success status.
 * The server registers its handler from it (validation and serialization included) and the browser
 * calls it through it, so both sides are typed from the same schemas. Errors are not declared here:
 * every route answers them as problem+json (problem.ts).
 */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Success status → schema of the body sent with it; `noContent` for an empty body (204). */
export type ResponseSchemas = Partial<Record<200 | 201 | 202 | 204, z.ZodType>>;

export interface RouteDefinition {
  method: HttpMethod;
  path: string;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
  response: ResponseSchemas;
}

/** `"/api/channels/:channelId/backfills/:id"` → `"channelId" | "id"`. */
export type PathParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | PathParamNames<`/${Rest}`>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** A path with placeholders needs a params schema that yields a string for each of them. */
type ParamsFor<Path extends string> = [PathParamNames<Path>] extends [never]
  ? { params?: undefined }
  : { params: z.ZodType<{ [Name in PathParamNames<Path>]: string }> };

/**
 * Declares a route. Types only: the definition is returned as given, with its literal types, after
 * checking that every `:placeholder` of the path has a params schema.
 */
export function defineRoute<const Route extends RouteDefinition>(
  route: Route & ParamsFor<Route["path"]>,
): Route {
  return route;
}

/** What a successful call returns: any of the declared bodies (parsed, so `z.output`). */
export type ResponseOf<Route extends RouteDefinition> = {
  [Status in keyof Route["response"]]: Route["response"][Status] extends z.ZodType
    ? z.output<Route["response"][Status]>
    : never;
}[keyof Route["response"]];

type Input<Schema> = Schema extends z.ZodType ? z.input<Schema> : never;

/** What a caller supplies: path params, query and body, each as its schema accepts it. */
export type RequestOf<Route extends RouteDefinition> = (Route["params"] extends z.ZodType
  ? { params: Input<Route["params"]> }
  : { params?: undefined }) &
  (Route["query"] extends z.ZodType ? { query?: Input<Route["query"]> } : { query?: undefined }) &
  (Route["body"] extends z.ZodType ? { body: Input<Route["body"]> } : { body?: undefined });

/**
 * The route's path with its placeholders filled in, each value URI-encoded, and the query string
 * (entries that are undefined or null are left out). `params` and `query` are a call's
 * `RequestOf<Route>` parts. Throws when a placeholder has no value: that is a bug in the caller,
 * never the user's doing.
 */
export function routeUrl(route: Pick<RouteDefinition, "path">, params?: unknown, query?: unknown): string {
  const values = entriesOf(params);
  const path = route.path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = values.get(name);
    if (value === undefined || value === null || value === "")
      throw new Error(`${route.path}: no value for :${name}`);
    return encodeURIComponent(String(value));
  });
  const search = [...entriesOf(query)]
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return search.length ? `${path}?${search.join("&")}` : path;
}

function entriesOf(value: unknown): Map<string, unknown> {
  return new Map(typeof value === "object" && value !== null ? Object.entries(value) : []);
}

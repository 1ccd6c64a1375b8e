import type { RouteDefinition } from "@mailroom/contract";
import type { FastifyRequest } from "fastify";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The title of this route's 400 `validation_failed` problem (http/problem.ts). */
    validationTitle?: string;
  }
}

export interface ContractRouteOptions {
  /** Words for a refused request when the route has better ones than "Some fields are not valid". */
  validationTitle?: string;
}

/**
 * A contract route (`@mailroom/contract`) as Fastify route options: its method, its url and its
 * zod schemas, which the type provider set up in app.ts validates requests and serializes
 * responses with. Spread it into `app.route({ ...contractRoute(routes.getMe), handler })` on an
 * instance `withTypeProvider<ZodTypeProvider>()`: the handler's params, query and body are then
 * typed, and what it returns or sends is checked against the response schema of its status.
 *
 * Fastify validates before the handler runs, so a malformed request is refused (400) before the
 * handler reads the session: nothing is read or written for it either way.
 */
export function contractRoute<const Route extends RouteDefinition>(
  route: Route,
  options: ContractRouteOptions = {},
): ContractRouteOptionsOf<Route> {
  // Only the parts the route declares: Fastify warns (FSTWRN001) about a key without a schema.
  const schema = {
    ...(route.params ? { params: route.params } : {}),
    ...(route.query ? { querystring: route.query } : {}),
    ...(route.body ? { body: route.body } : {}),
    response: route.response,
  } as ContractRouteOptionsOf<Route>["schema"];
  return {
    method: route.method,
    url: route.path,
    schema,
    config: options.validationTitle ? { validationTitle: options.validationTitle } : {},
    ...(route.body ? { preValidation: emptyBodyAsObject } : {}),
  };
}

/**
 * What Fastify needs to know of a route to type its handler with the type provider. A part the
 * route doesn't declare is typed `unknown` (and absent at run time).
 */
export interface ContractRouteOptionsOf<Route extends RouteDefinition> {
  method: Route["method"];
  url: Route["path"];
  schema: {
    params: Route["params"];
    querystring: Route["query"];
    body: Route["body"];
    response: Route["response"];
  };
  config: { validationTitle?: string };
  preValidation?: (request: FastifyRequest) => Promise<void>;
}

/** A request without a body is read as `{}`, so a form whose fields are all optional may send none. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

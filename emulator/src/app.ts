/**
 * The Fastify application: shared HTTP behaviour (ids, JSON, errors, counters) plus the modules
 * from modules.ts. No module is special here; each registers its own routes and hooks.
 */
import formbody from "@fastify/formbody";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { EmulatorContext, EmulatorModule } from "./context.ts";
import { graphError } from "./errors/graph-error.ts";
import { countRequests } from "./http/count-requests.ts";
import { addRequestIdHeaders, newRequestId } from "./http/request-id.ts";
import { MODULES } from "./modules.ts";

export interface AppOptions {
  https: { key: string; cert: string };
  /** Fastify/pino logging, request logs included; off unless asked for. */
  logger?: boolean;
  /** Registered after the built-in modules (tests, adopters' own endpoints). */
  extraModules?: readonly EmulatorModule[];
  /** Called after every non-GET request (persistence marks the state dirty). */
  onWriteRequest?: () => void;
}

const JSON_TYPE = "application/json";

/** Graph's documented request size limit (4 MB); larger bodies get 413. */
const BODY_LIMIT = 4 * 1024 * 1024;

export async function buildApp(ctx: EmulatorContext, options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    https: options.https,
    logger: options.logger ?? false,
    genReqId: newRequestId,
    bodyLimit: BODY_LIMIT,
    // Graph ids are long (immutable ids run past the default 100-character parameter limit).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  });
  app.decorate("emulator", ctx);
  addRequestIdHeaders(app);
  countRequests(app);
  const { onWriteRequest } = options;
  if (onWriteRequest) {
    app.addHook("onResponse", (request, _reply, done) => {
      if (request.method !== "GET" && request.method !== "HEAD") onWriteRequest();
      done();
    });
  }
  acceptEmptyJsonBodies(app);
  await app.register(formbody);

  // Graph SDK clients compare the header exactly; Fastify would add `; charset=utf-8`.
  // Successful Graph answers say `OData-Version: 4.0`; errors don't (the json-batching page's
  // example: its 200 items carry the header, its 403/405 items not).
  // Callback-style hooks (here and in the modules): a promise per hook per request adds up.
  app.addHook("onSend", (request, reply, payload, done) => {
    const type = reply.getHeader("content-type");
    if (typeof type === "string" && type.startsWith("application/json")) {
      if (type.length > JSON_TYPE.length) reply.header("content-type", JSON_TYPE);
      if (reply.statusCode < 400 && request.url.startsWith("/v1.0/")) reply.header("OData-Version", "4.0");
    }
    done(null, payload);
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith("/v1.0/")) {
      const segment = request.url.slice("/v1.0/".length).split(/[/?(]/)[0] ?? "";
      return graphError(reply, 400, "BadRequest", `Resource not found for the segment '${segment}'.`);
    }
    return reply.code(404).type("application/json").send({ error: "not_found", path: request.url });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, "unhandled emulator error");
    if (status >= 500 && !options.logger)
      process.stderr.write(`microsoft-emulator: ${error.stack ?? error}\n`);
    if (request.url.startsWith("/v1.0/")) {
      return graphError(reply, status, status >= 500 ? "InternalServerError" : "BadRequest", error.message);
    }
    return reply
      .code(status)
      .type("application/json")
      .send({ error: error.code ?? "error", message: error.message });
  });

  for (const module of [...MODULES, ...(options.extraModules ?? [])]) {
    await app.register(module.plugin, module.prefix ? { prefix: module.prefix } : {});
    if (module.control) await app.register(module.control, { prefix: "/_emulator" });
  }
  return app;
}

/** POST /send, /reauthorize and the like carry no body but may still say application/json. */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = new Error(
        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
      ) as FastifyError;
      error.statusCode = 400;
      done(error, undefined);
    }
  });
}

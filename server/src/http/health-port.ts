import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Database } from "../db/client.ts";
import type { JobQueue } from "../jobs/queue.ts";
import type { Logger } from "../log.ts";

/** A check that takes longer than this counts as down: an orchestrator must get an answer. */
const CHECK_TIMEOUT_MS = 3000;

export interface HealthDeps {
  database: Database;
  queue: JobQueue;
  role: string;
  /** True once shutdown began: the process is draining and should get no new work. */
  closing(): boolean;
}

export interface HealthReport {
  status: "ok" | "unavailable";
  role: string;
  database: "up" | "down";
  queue: "up" | "down";
}

/** The database through the app's own pool, the job queue through pg-boss's own connections. */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const [database, queue] = await Promise.all([
    probe(() => deps.database.db.execute("select 1")),
    probe(() => deps.queue.boss.getDb().executeSql("select 1")),
  ]);
  const ok = database && queue && !deps.closing();
  return {
    status: ok ? "ok" : "unavailable",
    role: deps.role,
    database: database ? "up" : "down",
    queue: queue ? "up" : "down",
  };
}

async function probe(query: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([query().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthPort {
  url: string;
  close(): Promise<void>;
}

/**
 * HEALTH_PORT: a bare HTTP listener with one route, `GET /healthz` (200 or 503 with a HealthReport),
 * so an orchestrator can check a ROLE=worker process, which has no web port. Everything else is 404.
 */
export async function startHealthPort(
  options: { port: number; host: string; logger: Logger },
  deps: HealthDeps,
): Promise<HealthPort> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (path !== "/healthz" || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "application/json" }).end('{"status":"not found"}');
      return;
    }
    checkHealth(deps).then((report) => {
      response
        .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
        .end(request.method === "HEAD" ? undefined : JSON.stringify(report));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host;
  const url = `http://${host}:${port}`;
  options.logger.info({ url: `${url}/healthz` }, "health port is up");
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

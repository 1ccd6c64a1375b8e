import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import type { OutboxState } from "../src/outbox/schema.ts";
import { startMailroom } from "../src/start.ts";

/**
 * A worker process for the outbox crash test (outbox-crash.test.ts): it dies by SIGKILL — no
 * cleanup, no graceful shutdown, as a crashed or OOM-killed process would — at the point CRASH_AT
 * names: `before:<state>` (Graph did the step, nothing recorded yet) or `after:<state>` (recorded).
 */
const crashAt = process.env.CRASH_AT ?? "";
const die = (when: "before" | "after") => (state: OutboxState) => {
  if (crashAt === `${when}:${state}`) process.kill(process.pid, "SIGKILL");
};
const config = loadConfig();
await startMailroom(config, {
  logger: createLogger(config),
  sendHooks: { beforeRecord: die("before"), afterStep: die("after") },
});

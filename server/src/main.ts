import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import { startMailroom } from "./start.ts";

// Entry point: `npm start` (role all), or ROLE=web / ROLE=worker for scale-out.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(78);
  }
  throw err;
}

const logger = createLogger(config);
const mailroom = await startMailroom(config, { logger });

let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(130); // a second Ctrl-C means now
    logger.info({ signal }, "shutting down: finishing in-flight requests and jobs");
    const timer = setTimeout(
      () => {
        logger.error("shutdown took too long; exiting");
        process.exit(1);
      },
      (config.shutdownGraceSeconds + 10) * 1000,
    );
    timer.unref();
    mailroom.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}

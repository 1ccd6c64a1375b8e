import pino, { type Logger } from "pino";
import type { Config } from "./config.ts";

export type { Logger };

/**
 * Structured logs. Redaction is a second line of defence: code never logs tokens, secrets or
 * message bodies in the first place.
 */
export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return pino({
    level: config.logLevel,
    redact: {
      paths: [
        "req.headers.cookie",
        "req.headers.authorization",
        'res.headers["set-cookie"]',
        "*.password",
        "*.clientSecret",
        "*.accessToken",
        "*.refreshToken",
        "*.token",
        "*.secret",
      ],
      censor: "[redacted]",
    },
  });
}

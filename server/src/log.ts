import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { Config } from "./config.ts";

export type { Logger };

/**
 * Structured logs. Redaction is a second line of defence: code never logs tokens, secrets or
 * message bodies in the first place.
 */
export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
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
  };
  return destination ? pino(options, destination) : pino(options);
}

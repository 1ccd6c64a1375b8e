import type { DestinationStream } from "pino";

/** One line of the server's JSON log, as pino wrote it. */
export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

/** pino's numeric levels. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/**
 * The server's log, kept in memory for a test to read: pass it to startTestServer, which then logs
 * at `level` (whatever TEST_LOG_LEVEL says) into it instead of stdout.
 */
export class LogCapture implements DestinationStream {
  readonly raw: string[] = [];
  constructor(readonly level: keyof typeof LOG_LEVELS = "info") {}

  write(line: string): void {
    this.raw.push(line);
  }

  lines(): LogLine[] {
    return this.raw.map((l) => JSON.parse(l) as LogLine);
  }

  /** Lines at `level` or above. */
  atLeast(level: keyof typeof LOG_LEVELS): LogLine[] {
    return this.lines().filter((l) => l.level >= LOG_LEVELS[level]);
  }
}

import path from "node:path";
import { z } from "zod";

/**
 * Every environment variable Mailroom reads, parsed once. Nothing else reads process.env.
 * Defaults give the embedded mode (PGlite in ./data) against the real Microsoft endpoints;
 * `npm start` (scripts/start.mjs) points the MICROSOFT_* variables at the bundled emulator.
 */
const booleanish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  /** HTTP port of the web role. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to bind. */
  HOST: z.string().default("0.0.0.0"),
  /**
   * A second, bare HTTP port serving only `GET /healthz` (database and job queue), for ROLE=worker
   * processes, which have no web port. Unset (default) → none; web and all roles answer /healthz on PORT.
   */
  HEALTH_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  /** The URL people and Microsoft reach Mailroom at; OAuth redirect and webhook URLs derive from it. */
  PUBLIC_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  /** Postgres connection string; unset → embedded PGlite in DATA_DIR. */
  DATABASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  /** Embedded database, generated secret key and emulator state live here. */
  DATA_DIR: z.string().default("./data"),
  /**
   * Secret-box keys: `kid:base64key[,kid:base64key…]`, first one encrypts, all decrypt.
   * A single bare base64 32-byte key is accepted too (key id "k1"). Unset → generated into DATA_DIR.
   */
  MAILROOM_SECRET_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Platform Microsoft app; unset → the emulator's seeded app (embedded) or the BYOC form. */
  MICROSOFT_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  MICROSOFT_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  MICROSOFT_LOGIN_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  MICROSOFT_GRAPH_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  /** all = web + worker in one process (npm start); web = HTTP only; worker = jobs only. */
  ROLE: z.enum(["all", "web", "worker"]).default("all"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Session lifetime in days. */
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Failed sign-ins allowed per client IP per window before 429 (also: sign-ups per IP per window). */
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  LOGIN_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /** Seconds to let in-flight requests and jobs finish on SIGTERM. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(20),
  /**
   * Which proxies may set X-Forwarded-For (the client IP used for login rate limiting):
   * "false" (default: trust no one), "true" (any — only behind a proxy that strips it), or a
   * comma-separated list of addresses/CIDRs such as "127.0.0.1,10.0.0.0/8".
   */
  TRUST_PROXY: z.string().default("false"),
  /** Serve the SPA through Vite's dev server with hot reload (npm run dev). */
  WEB_DEV: z.preprocess(emptyToUndefined, booleanish.default(false)),
  /**
   * Graph change notifications: "auto" (default) subscribes only when PUBLIC_URL is a public https
   * URL Microsoft can reach, and polls otherwise; "on" always tries (the embedded emulator reaches
   * localhost); "off" always polls.
   */
  WEBHOOKS: z.enum(["auto", "on", "off"]).default("auto"),
  /** The safety sweep: a delta round for every channel this often, whatever the notifications say. */
  SYNC_SWEEP_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** How often a channel without webhooks polls. */
  SYNC_POLL_SECONDS: z.coerce.number().int().min(10).max(3600).default(60),
  /** After Graph refused a subscription, try webhooks again this long after. */
  WEBHOOK_RETRY_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  /** How far back a newly connected mailbox is synced (newest first). */
  BACKFILL_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /**
   * Optional outgoing mail server for admin emails (a channel needs reconnecting, the BYOC secret
   * expires soon): smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465.
   * Unset → no email; the in-app bell alone tells admins.
   */
  SMTP_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^smtps?$/ }).optional()),
  /** The From of those emails, e.g. "Mailroom <mailroom@example.com>"; required with SMTP_URL. */
  SMTP_FROM: z.preprocess(emptyToUndefined, z.string().optional()),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  nodeEnv: Env["NODE_ENV"];
  port: number;
  host: string;
  healthPort: number | undefined;
  publicUrl: string;
  secureCookies: boolean;
  databaseUrl: string | undefined;
  dataDir: string;
  secretKey: string | undefined;
  microsoft: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    loginUrl: string;
    graphUrl: string;
  };
  role: Env["ROLE"];
  logLevel: Env["LOG_LEVEL"];
  sessionDays: number;
  loginRateLimit: { max: number; windowSeconds: number };
  shutdownGraceSeconds: number;
  webDev: boolean;
  sync: {
    webhooks: Env["WEBHOOKS"];
    sweepMinutes: number;
    pollSeconds: number;
    webhookRetryMinutes: number;
    backfillDays: number;
  };
  /** Where admin emails go out; undefined when SMTP_URL is unset. The URL holds the password. */
  smtp: { url: string; from: string } | undefined;
  /** Origins browsers may send state-changing requests from: PUBLIC_URL's, plus Vite's in dev. */
  allowedOrigins: string[];
  trustProxy: boolean | string[];
}

export const VITE_DEV_ORIGIN = "http://localhost:5173";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export const MICROSOFT_LOGIN_DEFAULT = "https://login.microsoftonline.com";
export const MICROSOFT_GRAPH_DEFAULT = "https://graph.microsoft.com";

/** Parses the environment into a Config, throwing one readable error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const publicUrl = stripTrailingSlash(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`);
  if (Boolean(e.MICROSOFT_CLIENT_ID) !== Boolean(e.MICROSOFT_CLIENT_SECRET)) {
    throw new ConfigError(
      "Invalid configuration:\n  MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET must be set together",
    );
  }
  if (e.DATABASE_URL && !e.MAILROOM_SECRET_KEY) {
    // Every process must share the key; a key generated per machine would make tokens unreadable.
    throw new ConfigError(
      "Invalid configuration:\n  MAILROOM_SECRET_KEY is required with DATABASE_URL (generate one with: openssl rand -base64 32)",
    );
  }
  if (e.SMTP_URL && !e.SMTP_FROM) {
    throw new ConfigError(
      'Invalid configuration:\n  SMTP_FROM is required with SMTP_URL (e.g. "Mailroom <mailroom@example.com>")',
    );
  }
  return {
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    healthPort: e.HEALTH_PORT,
    publicUrl,
    secureCookies: publicUrl.startsWith("https://"),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    secretKey: e.MAILROOM_SECRET_KEY,
    microsoft: {
      clientId: e.MICROSOFT_CLIENT_ID,
      clientSecret: e.MICROSOFT_CLIENT_SECRET,
      loginUrl: stripTrailingSlash(e.MICROSOFT_LOGIN_URL ?? MICROSOFT_LOGIN_DEFAULT),
      graphUrl: stripTrailingSlash(e.MICROSOFT_GRAPH_URL ?? MICROSOFT_GRAPH_DEFAULT),
    },
    role: e.ROLE,
    logLevel: e.LOG_LEVEL,
    sessionDays: e.SESSION_DAYS,
    loginRateLimit: { max: e.LOGIN_RATE_LIMIT, windowSeconds: e.LOGIN_RATE_WINDOW_SECONDS },
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    webDev: e.WEB_DEV,
    sync: {
      webhooks: e.WEBHOOKS,
      sweepMinutes: e.SYNC_SWEEP_MINUTES,
      pollSeconds: e.SYNC_POLL_SECONDS,
      webhookRetryMinutes: e.WEBHOOK_RETRY_MINUTES,
      backfillDays: e.BACKFILL_DAYS,
    },
    smtp: e.SMTP_URL && e.SMTP_FROM ? { url: e.SMTP_URL, from: e.SMTP_FROM } : undefined,
    allowedOrigins: [new URL(publicUrl).origin, ...(e.WEB_DEV ? [VITE_DEV_ORIGIN] : [])],
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
  };
}

function parseTrustProxy(value: string): boolean | string[] {
  if (value === "true") return true;
  if (value === "false" || value === "") return false;
  return value
    .split(",")
    .map((v) => v.trim())
    .filter(Boolean);
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

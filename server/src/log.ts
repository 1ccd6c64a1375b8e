import pino, { type DestinationStream, type Logger, type LoggerOptions } from "pino";
import type { Config } from "./config.ts";

export type { Logger };

/** Microsoft redirects here with the authorization code, state and session_state in the query. */
const OAUTH_CALLBACK_PATH = "/api/outlook/oauth2/callback";
/** The callback's parameters worth seeing in a log: Microsoft's refusal, never a credential. */
const CALLBACK_PARAMS_SHOWN = new Set(["error", "error_description"]);
/** Secret wherever it appears: Graph's webhook handshake token. */
const SECRET_PARAMS = new Set(["validationToken"]);
const REDACTED = "[redacted]";

/**
 * A request URL as the access log may show it: on the OAuth callback every query value but
 * Microsoft's error is replaced (the code, state and session_state are credentials), and a
 * `validationToken` is replaced anywhere. The path and the parameter names stay, for debugging.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const path = url.slice(0, q);
  const callback = path === OAUTH_CALLBACK_PATH;
  const parts = url
    .slice(q + 1)
    .split("&")
    .map((part) => {
      const eq = part.indexOf("=");
      const name = eq < 0 ? part : part.slice(0, eq);
      const secret = callback ? !CALLBACK_PARAMS_SHOWN.has(name) : SECRET_PARAMS.has(safeDecode(name));
      return secret && eq >= 0 ? `${name}=${REDACTED}` : part;
    });
  return `${path}?${parts.join("&")}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number | undefined } | null;
}

/** Fastify's access-log fields, with the URL redacted. */
function requestSerializer(req: LoggedRequest) {
  return {
    method: req.method,
    url: typeof req.url === "string" ? redactUrl(req.url) : req.url,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * How `npm run dev` (NODE_ENV=development) shows logs: one readable line per entry, with the time of
 * day and no pid/hostname. pino-pretty is a dev dependency, loaded by name in pino's transport
 * thread only in development, so a production install without dev dependencies never needs it.
 */
export const PRETTY_OPTIONS = {
  translateTime: "SYS:HH:MM:ss.l",
  ignore: "pid,hostname",
  singleLine: true,
} as const;

/**
 * Structured logs: JSON lines on stdout, readable ones in development. Redaction (below) happens
 * before either is written. It is a second line of defence: code never logs tokens, secrets or
 * message bodies in the first place — but the access log writes every request's URL, so the
 * request serializer redacts the query strings that carry credentials (redactUrl).
 */
export function createLogger(
  config: Pick<Config, "logLevel"> & Partial<Pick<Config, "nodeEnv">>,
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    serializers: { req: requestSerializer, err: pino.stdSerializers.err },
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
        // SMTP_URL carries the SMTP password: the parsed config, should it ever be logged.
        "smtp.url",
        "*.smtp.url",
      ],
      censor: REDACTED,
    },
  };
  if (destination) return pino(options, destination);
  if (config.nodeEnv === "development") {
    return pino(options, pino.transport({ target: "pino-pretty", options: PRETTY_OPTIONS }));
  }
  return pino(options);
}

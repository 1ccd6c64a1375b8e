import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/**
 * Security headers on every response. The SPA needs nothing inline; email HTML (a later issue)
 * is rendered in a sandboxed iframe with its own stricter policy.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: { devOrigins: string[] }) {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'", ...options.devOrigins],
        frameSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'", "https:"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    crossOriginEmbedderPolicy: false,
    hsts: false, // set by the TLS-terminating proxy that knows whether HTTPS is in front
  });
}

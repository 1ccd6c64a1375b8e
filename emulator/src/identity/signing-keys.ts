/**
 * Per-tenant RSA signing keys (RS256), generated when first needed and kept for the emulator's
 * lifetime (a reset keeps them, so tokens stay verifiable). Published as JWKS at
 * `/{tenant}/discovery/v2.0/keys`. Signing is synchronous (node:crypto) so token issuing is too.
 * https://learn.microsoft.com/entra/identity-platform/signing-key-rollover
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import type { EmulatorContext } from "../context.ts";

export interface SigningKey {
  kid: string;
  tenantId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** One entry of Entra's JWKS (`kty, use, kid, x5t, n, e, issuer`; no x5c here). */
export interface Jwk {
  kty: "RSA";
  use: "sig";
  kid: string;
  x5t: string;
  n: string;
  e: string;
  alg: "RS256";
  issuer: string;
}

export interface JwtHeader {
  typ?: string;
  alg?: string;
  kid?: string;
  x5t?: string;
}

const keysByContext = new WeakMap<EmulatorContext, Map<string, SigningKey>>();

function keysOf(ctx: EmulatorContext): Map<string, SigningKey> {
  let keys = keysByContext.get(ctx);
  if (!keys) {
    keys = new Map();
    keysByContext.set(ctx, keys);
  }
  return keys;
}

/** The tenant's key, generated on first use (2048-bit RSA, like Entra's). */
export function signingKey(ctx: EmulatorContext, tenantId: string): SigningKey {
  const keys = keysOf(ctx);
  const id = tenantId.toLowerCase();
  let key = keys.get(id);
  if (!key) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const der = publicKey.export({ type: "spki", format: "der" });
    // Entra's kid is the certificate thumbprint (base64url SHA-1); ours hashes the public key.
    const kid = createHash("sha1").update(der).digest("base64url");
    key = { kid, tenantId: id, privateKey, publicKey };
    keys.set(id, key);
  }
  return key;
}

/** Generates keys for every tenant now, so the first sign-in doesn't pay for it. */
export function ensureSigningKeys(ctx: EmulatorContext): void {
  for (const tenant of ctx.store.state.tenants.values()) signingKey(ctx, tenant.id);
}

export function keyByKid(ctx: EmulatorContext, kid: string): SigningKey | undefined {
  for (const key of keysOf(ctx).values()) if (key.kid === kid) return key;
  return undefined;
}

/** JWKS for the given tenants (all known keys for `common`, `organizations`, `consumers`). */
export function jwks(ctx: EmulatorContext, tenantIds: string[]): { keys: Jwk[] } {
  const keys = tenantIds.map((id) => signingKey(ctx, id));
  return {
    keys: keys.map((key) => {
      const jwk = key.publicKey.export({ format: "jwk" });
      return {
        kty: "RSA",
        use: "sig",
        kid: key.kid,
        x5t: key.kid,
        n: String(jwk.n),
        e: String(jwk.e),
        alg: "RS256",
        issuer: `${ctx.baseUrl}/${key.tenantId}/v2.0`,
      };
    }),
  };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Signs claims as a compact JWS with the tenant's key. */
export function signJwt(ctx: EmulatorContext, tenantId: string, claims: object): string {
  const key = signingKey(ctx, tenantId);
  const input = `${b64({ typ: "JWT", alg: "RS256", kid: key.kid, x5t: key.kid })}.${b64(claims)}`;
  const signature = sign("sha256", Buffer.from(input), key.privateKey).toString("base64url");
  return `${input}.${signature}`;
}

export type DecodedJwt =
  | { ok: true; header: JwtHeader; payload: Record<string, unknown>; signingInput: string; signature: Buffer }
  | { ok: false; reason: "no-dots" | "malformed" };

/** Splits and parses a compact JWS without checking the signature. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split(".");
  if (parts.length < 3) return { ok: false, reason: "no-dots" };
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8"));
    const payload: unknown = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8"));
    if (!isObject(header) || !isObject(payload)) return { ok: false, reason: "malformed" };
    return {
      ok: true,
      header: header as JwtHeader,
      payload,
      signingInput: `${headerPart}.${payloadPart}`,
      signature: Buffer.from(signaturePart, "base64url"),
    };
  } catch {
    return { ok: false, reason: "malformed" };
  }
}

/** True when the JWS was signed by one of this emulator's keys (looked up by kid). */
export function hasValidSignature(ctx: EmulatorContext, jwt: Extract<DecodedJwt, { ok: true }>): boolean {
  if (jwt.header.alg !== "RS256" || typeof jwt.header.kid !== "string") return false;
  const key = keyByKid(ctx, jwt.header.kid);
  if (!key) return false;
  return verify("sha256", Buffer.from(jwt.signingInput), key.publicKey, jwt.signature);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** For tests and tools that want a PEM (e.g. jose's importSPKI). */
export function publicKeyPem(ctx: EmulatorContext, tenantId: string): string {
  return createPublicKey(signingKey(ctx, tenantId).privateKey)
    .export({ type: "spki", format: "pem" })
    .toString();
}

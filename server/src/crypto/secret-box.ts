import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * AES-256-GCM with key ids, so keys can rotate: the first key encrypts, every listed key decrypts.
 * Sealed form: `v1.<kid>.<iv>.<tag>.<ciphertext>` (base64url parts). An optional context string
 * is bound as additional authenticated data, so a ciphertext copied to another row or column
 * fails to open.
 */
export interface SecretBox {
  seal(plaintext: string, context?: string): string;
  open(sealed: string, context?: string): string;
  /** Key id new values are sealed with. */
  readonly currentKeyId: string;
  /** True when `sealed` was made with an older key and should be re-sealed. */
  needsRotation(sealed: string): boolean;
}

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface SecretKey {
  id: string;
  key: Buffer;
}

export function createSecretBox(keys: SecretKey[]): SecretBox {
  const current = keys[0];
  if (!current) throw new SecretBoxError("At least one secret key is required");
  const byId = new Map<string, Buffer>();
  for (const k of keys) {
    if (k.key.length !== KEY_BYTES) throw new SecretBoxError(`Key "${k.id}" must be ${KEY_BYTES} bytes`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new SecretBoxError(`Key id "${k.id}" is not valid`);
    if (byId.has(k.id)) throw new SecretBoxError(`Key id "${k.id}" is listed twice`);
    byId.set(k.id, k.key);
  }

  return {
    currentKeyId: current.id,
    seal(plaintext, context = "") {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current.key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [VERSION, current.id, b64(iv), b64(tag), b64(ct)].join(".");
    },
    open(sealed, context = "") {
      const parts = sealed.split(".");
      if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretBoxError("Not a sealed value");
      const [, kid, iv, tag, ct] = parts as [string, string, string, string, string];
      const key = byId.get(kid);
      if (!key) throw new SecretBoxError(`Unknown key id "${kid}"`);
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString(
          "utf8",
        );
      } catch {
        throw new SecretBoxError("Sealed value failed authentication (tampered, wrong key or wrong context)");
      }
    },
    needsRotation(sealed) {
      return sealed.split(".")[1] !== current.id;
    },
  };
}

/** Parses `kid:base64[,kid:base64…]`, or one bare base64 key (id "k1"). */
export function parseSecretKeys(value: string): SecretKey[] {
  const entries = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new SecretBoxError("MAILROOM_SECRET_KEY is empty");
  return entries.map((entry, i) => {
    const colon = entry.indexOf(":");
    const [id, encoded] =
      colon === -1 ? [i === 0 ? "k1" : `k${i + 1}`, entry] : [entry.slice(0, colon), entry.slice(colon + 1)];
    const key = Buffer.from(encoded, "base64");
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError(
        `MAILROOM_SECRET_KEY key "${id}" must be ${KEY_BYTES} bytes of base64 (openssl rand -base64 32)`,
      );
    }
    return { id, key };
  });
}

/**
 * Keys from MAILROOM_SECRET_KEY, or in embedded mode a key generated once into
 * `<dataDir>/secret.key` with mode 0600 (and reused on every later start).
 */
export function loadSecretKeys(options: { secretKey: string | undefined; dataDir: string }): SecretKey[] {
  if (options.secretKey) return parseSecretKeys(options.secretKey);
  const file = path.join(options.dataDir, "secret.key");
  fs.mkdirSync(options.dataDir, { recursive: true });
  try {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    fs.writeSync(fd, `k1:${randomBytes(KEY_BYTES).toString("base64")}\n`);
    fs.closeSync(fd);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) throw new SecretBoxError(`${file} must not be readable by others (chmod 600)`);
  return parseSecretKeys(fs.readFileSync(file, "utf8"));
}

function b64(buf: Buffer): string {
  return buf.toString("base64url");
}

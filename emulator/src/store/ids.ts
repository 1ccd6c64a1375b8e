/**
 * Identifiers that look like Exchange's. Real ids are opaque base64 blobs (`AAMkAG…`); clients must
 * not parse them, so ours only copy the shape: URL-safe base64 with Exchange's prefixes, so they
 * can sit in a URL path unescaped like Graph's immutable ids.
 */
import { createHash, randomBytes, randomFillSync, randomUUID } from "node:crypto";

/**
 * Random bytes for ids, handed out from a pool refilled 8 KiB at a time: a message takes five
 * random values, and `randomBytes` per value costs a system call and a Buffer each (most of
 * `deliverMessage`'s time). Same CSPRNG, same bytes per id.
 */
const POOL_SIZE = 8 * 1024;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** Offset in `pool` of `bytes` fresh random bytes (valid until the next call). */
function takeRandom(bytes: number): number {
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += bytes;
  return offset;
}

function randomText(bytes: number, encoding: "base64url" | "hex"): string {
  if (bytes > POOL_SIZE / 4) return randomBytes(bytes).toString(encoding);
  const offset = takeRandom(bytes);
  return pool.toString(encoding, offset, offset + bytes);
}

function blob(prefix: string, bytes: number): string {
  return `${prefix}${randomText(bytes, "base64url")}AAA=`;
}

export const newGuid = (): string => randomUUID();

/** Message id, e.g. `AAMkAGE1M2IyNGNm…AAA=`. */
export const newMessageId = (): string => blob("AAMkAG", 33);

/** Mail folder id, e.g. `AAMkAGVmMDEz…AAA=` (Exchange's folder ids share the message prefix). */
export const newFolderId = (): string => blob("AQMkAD", 24);

/** Conversation id, e.g. `AAQkAGI2…AAA=`. */
export const newConversationId = (): string => blob("AAQkAG", 24);

/** Attachment id, e.g. `AAMkAGI2…BEgAQA…`. */
export const newAttachmentId = (): string => blob("AAMkAGBEgAQ", 24);

/** Change key, e.g. `CQAAABYAAAD…` (also the etag: `W/"<changeKey>"`). */
export const newChangeKey = (): string => `CQAAABYAAAD${randomText(12, "base64url")}`;

/** RFC 5322 Message-ID in Exchange Online's form, angle brackets included. */
export function newInternetMessageId(domain = "emulator.prod.outlook.com"): string {
  return `<${randomText(10, "hex").toUpperCase()}@${domain}>`;
}

/** Opaque random token for codes, refresh tokens, delta tokens. */
export const newOpaqueToken = (bytes = 32): string => randomText(bytes, "base64url");

/** How app secrets are stored and compared (constant-length hex). */
export const hashSecret = (value: string): string => createHash("sha256").update(value).digest("hex");

/**
 * PidTagConversationIndex: a 22-byte header (reserved byte, 5 bytes of FILETIME, 16-byte GUID) for
 * a new conversation; each reply appends a 5-byte child block. Base64, as Graph returns it.
 * https://learn.microsoft.com/office/client-developer/outlook/mapi/tracking-conversations
 */
export function conversationIndex(nowMs: number, parent?: string): string {
  const filetime = (BigInt(nowMs) + 11_644_473_600_000n) * 10_000n;
  if (!parent) {
    const time = Buffer.alloc(8);
    time.writeBigUInt64BE(filetime);
    const header = Buffer.alloc(22);
    header[0] = 1;
    time.copy(header, 1, 0, 5);
    const offset = takeRandom(16);
    pool.copy(header, 6, offset, offset + 16);
    return header.toString("base64");
  }
  const child = Buffer.alloc(5);
  child.writeUInt32BE(Number((filetime >> 18n) & 0xffffffffn), 0);
  child[4] = pool[takeRandom(1)]!;
  return Buffer.concat([Buffer.from(parent, "base64"), child]).toString("base64");
}

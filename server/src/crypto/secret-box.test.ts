import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSecretBox, loadSecretKeys, parseSecretKeys, SecretBoxError } from "./secret-box.ts";

const key = (id: string) => ({ id, key: randomBytes(32) });

describe("secret box", () => {
  it("round-trips a value and never shows the plaintext in the sealed form", () => {
    const box = createSecretBox([key("k1")]);
    const sealed = box.seal("refresh-token-value", "channel:1");
    expect(sealed).toMatch(/^v1\.k1\./);
    expect(sealed).not.toContain("refresh-token-value");
    expect(box.open(sealed, "channel:1")).toBe("refresh-token-value");
  });

  it("uses a fresh IV each time", () => {
    const box = createSecretBox([key("k1")]);
    expect(box.seal("same")).not.toBe(box.seal("same"));
  });

  it("rejects a tampered ciphertext, tag or IV", () => {
    const box = createSecretBox([key("k1")]);
    const sealed = box.seal("secret");
    const parts = sealed.split(".");
    for (const i of [2, 3, 4]) {
      const bytes = Buffer.from(parts[i]!, "base64url");
      bytes[0] = bytes[0]! ^ 0xff;
      const tampered = parts.map((p, j) => (j === i ? bytes.toString("base64url") : p)).join(".");
      expect(() => box.open(tampered)).toThrow(SecretBoxError);
    }
  });

  it("rejects a value opened with another context", () => {
    const box = createSecretBox([key("k1")]);
    const sealed = box.seal("secret", "channel:1:refresh");
    expect(() => box.open(sealed, "channel:2:refresh")).toThrow(/failed authentication/);
  });

  it("still opens values sealed with a rotated-out key", () => {
    const old = key("old");
    const before = createSecretBox([old]).seal("kept");
    const rotated = createSecretBox([key("new"), old]);
    expect(rotated.open(before)).toBe("kept");
    expect(rotated.needsRotation(before)).toBe(true);
    const resealed = rotated.seal("kept");
    expect(resealed).toMatch(/^v1\.new\./);
    expect(rotated.needsRotation(resealed)).toBe(false);
  });

  it("refuses a value whose key is no longer configured", () => {
    const sealed = createSecretBox([key("gone")]).seal("x");
    expect(() => createSecretBox([key("k2")]).open(sealed)).toThrow(/Unknown key id "gone"/);
  });

  it("parses key lists and rejects short keys", () => {
    const a = randomBytes(32).toString("base64");
    const b = randomBytes(32).toString("base64");
    expect(parseSecretKeys(`new:${a}, old:${b}`).map((k) => k.id)).toEqual(["new", "old"]);
    expect(parseSecretKeys(a)[0]!.id).toBe("k1");
    expect(() => parseSecretKeys("k1:c2hvcnQ=")).toThrow(/32 bytes/);
  });

  it("generates an embedded key once, with mode 0600, and reuses it", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-key-"));
    const first = loadSecretKeys({ secretKey: undefined, dataDir: dir });
    const second = loadSecretKeys({ secretKey: undefined, dataDir: dir });
    expect(second[0]!.key.equals(first[0]!.key)).toBe(true);
    expect(fs.statSync(path.join(dir, "secret.key")).mode & 0o777).toBe(0o600);
    fs.chmodSync(path.join(dir, "secret.key"), 0o644);
    expect(() => loadSecretKeys({ secretKey: undefined, dataDir: dir })).toThrow(/chmod 600/);
  });
});

import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureTls } from "./tls.ts";

describe("TLS material", () => {
  let dir: string;
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("creates a CA and a localhost certificate once, keys readable only by the owner", async () => {
    dir = await mkdtemp(join(tmpdir(), "emulator-tls-"));
    const first = await ensureTls(dir);
    const second = await ensureTls(dir);
    expect(second.caPem).toBe(first.caPem);
    expect(second.certPem).toBe(first.certPem);
    expect(first.caPath).toBe(join(dir, "ca.pem"));
    expect((await stat(join(dir, "ca-key.pem"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "server-key.pem"))).mode & 0o777).toBe(0o600);

    const ca = new X509Certificate(first.caPem);
    const server = new X509Certificate(first.certPem);
    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("::1")).toBe("::1");
  });
});

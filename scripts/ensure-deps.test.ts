import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../server/test/wait-for.ts";

/**
 * scripts/ensure-deps.mjs against a throwaway checkout whose `npm` is a stand-in on PATH: it records
 * each call and "installs" (writes node_modules) only when the test lets it, so the test decides
 * exactly when an install is in progress.
 */
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "ensure-deps.mjs");

const FAKE_NPM = `#!/bin/sh
echo "$*" >> "$PWD/npm-calls.log"
while [ ! -f "$PWD/release-install" ]; do sleep 0.05; done
rm -rf node_modules && mkdir node_modules && echo '{}' > node_modules/.package-lock.json
`;

const dirs: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function fakeCheckout() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mailroom-ensure-deps-"));
  dirs.push(root);
  fs.writeFileSync(path.join(root, "package-lock.json"), JSON.stringify({ lockfileVersion: 3 }));
  const bin = path.join(root, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "npm"), FAKE_NPM, { mode: 0o755 });
  return {
    root,
    npmCalls: () => {
      const log = path.join(root, "npm-calls.log");
      return fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    },
    releaseInstall: () => fs.writeFileSync(path.join(root, "release-install"), ""),
    run: () => ensureDeps(root, bin),
  };
}

function ensureDeps(root: string, bin: string) {
  const child = spawn(process.execPath, [SCRIPT, root], {
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { pid: child.pid!, output: () => output, exited };
}

describe("ensure-deps", () => {
  it("installs once when two commands start in a fresh checkout at the same time", {
    timeout: 180_000,
  }, async () => {
    const checkout = fakeCheckout();
    const first = checkout.run();
    await waitFor(() => checkout.npmCalls().length === 1, { timeoutMs: 60_000, what: "the first npm ci" });
    const second = checkout.run();
    await waitFor(() => second.output().includes("waiting for the dependency install"), {
      timeoutMs: 60_000,
      what: "the second command to say it waits",
    });
    expect(second.output()).toContain(`process ${first.pid}`);
    checkout.releaseInstall();
    expect(await first.exited).toBe(0);
    expect(await second.exited).toBe(0);
    expect(checkout.npmCalls()).toEqual(["ci --no-audit --no-fund --loglevel=error"]);
    expect(fs.existsSync(path.join(checkout.root, ".mailroom-install.lock"))).toBe(false);
  });

  it("does nothing when the dependencies match package-lock.json", async () => {
    const checkout = fakeCheckout();
    checkout.releaseInstall();
    expect(await checkout.run().exited).toBe(0);
    expect(await checkout.run().exited).toBe(0);
    expect(checkout.npmCalls()).toHaveLength(1);
  });

  it("installs again after package-lock.json changes", async () => {
    const checkout = fakeCheckout();
    checkout.releaseInstall();
    expect(await checkout.run().exited).toBe(0);
    const lock = path.join(checkout.root, "package-lock.json");
    fs.writeFileSync(lock, JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "changed" } } }));
    // npm's hidden lockfile was written before the change; make that so regardless of clock granularity.
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(checkout.root, "node_modules", ".package-lock.json"), past, past);
    expect(await checkout.run().exited).toBe(0);
    expect(checkout.npmCalls()).toHaveLength(2);
  });

  it("takes over a lock whose process is gone", async () => {
    const checkout = fakeCheckout();
    const gone = spawn(process.execPath, ["-e", ""]);
    const gonePid = gone.pid!;
    await new Promise((resolve) => gone.once("exit", resolve));
    fs.writeFileSync(
      path.join(checkout.root, ".mailroom-install.lock"),
      JSON.stringify({ pid: gonePid, host: os.hostname(), token: "x", at: Date.now() }),
    );
    checkout.releaseInstall();
    const run = checkout.run();
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain(`taking over the install lock of process ${gonePid}`);
    expect(checkout.npmCalls()).toHaveLength(1);
  });
});

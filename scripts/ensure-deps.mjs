#!/usr/bin/env node
// Installs the dependencies (`npm ci`) when they are missing or older than package-lock.json, under
// a lock held in the checkout, so `npm start` and `npm test` both work on a fresh clone, in either
// order and at the same time. Only Node built-ins here: this runs before anything is installed.
//
// A second process that finds the install running WAITS for it (and says so) rather than refusing:
// the common case is `npm start` in one terminal and `npm test` in another right after a clone or a
// pull, and both can go on once the one install is done; refusing would make the person run the
// command again for no reason. A lock whose owner is gone (killed, Ctrl-C mid-install) is taken over.
//
//   node scripts/ensure-deps.mjs [checkout]   (default: this script's checkout)
import { spawnSync } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const LOCK_NAME = ".mailroom-install.lock";
const MARKER = path.join("node_modules", ".mailroom-install");
/** npm's own record of what it installed (npm 7+), rewritten at the end of every install. */
const HIDDEN_LOCKFILE = path.join("node_modules", ".package-lock.json");
/** A lock older than this is stale even if its pid is alive again (pids are reused); npm ci takes minutes. */
const LOCK_MAX_AGE_MS = 60 * 60_000;
const POLL_MS = 250;
/** While waiting, say so again this often. */
const REMIND_MS = 30_000;

/**
 * Makes `root`'s node_modules match its package-lock.json. Returns what it did: "up-to-date",
 * "installed", or "installed-meanwhile" (another process installed while this one waited).
 */
export async function ensureDependencies({ root, say = defaultSay }) {
  if (upToDate(root) && !liveLockOwner(root)) return "up-to-date";
  const release = await takeInstallLock(root, say);
  try {
    if (upToDate(root)) return "installed-meanwhile";
    say("installing dependencies (npm ci)…");
    const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: root,
      stdio: "inherit",
    });
    if (result.status !== 0) {
      const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
      throw new Error(`npm ci failed (${why})`);
    }
    fs.writeFileSync(path.join(root, MARKER), lockHash(root));
    return "installed";
  } finally {
    release();
  }
}

/**
 * Installed from this package-lock.json: our marker holds its hash (written after our install), or
 * npm's hidden lockfile is newer than it (someone ran `npm ci` / `npm install` themselves, as
 * `.ci/run` does).
 */
function upToDate(root) {
  const lockFile = path.join(root, "package-lock.json");
  const marker = path.join(root, MARKER);
  if (fs.existsSync(marker) && fs.readFileSync(marker, "utf8") === lockHash(root)) return true;
  const hidden = path.join(root, HIDDEN_LOCKFILE);
  return fs.existsSync(hidden) && fs.statSync(hidden).mtimeMs >= fs.statSync(lockFile).mtimeMs;
}

function lockHash(root) {
  return createHash("sha256")
    .update(fs.readFileSync(path.join(root, "package-lock.json")))
    .digest("hex");
}

/**
 * The lock is a file created with O_EXCL (atomic: exactly one creator wins) holding its owner's
 * pid, host and a random token. It lives beside node_modules, not in it: `npm ci` deletes that.
 * Resolves with a release function once this process holds it.
 */
async function takeInstallLock(root, say) {
  const lockPath = path.join(root, LOCK_NAME);
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() });
  let remindAt = 0;
  for (;;) {
    try {
      fs.writeFileSync(lockPath, mine, { flag: "wx" });
      return () => {
        // Only our own lock: never one that replaced ours after it was judged stale.
        if (readLock(lockPath)?.raw === mine) fs.rmSync(lockPath, { force: true });
      };
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
    const owner = readLock(lockPath);
    if (owner && isStale(owner)) {
      say(`taking over the install lock of process ${owner.pid ?? "?"}, which is gone`);
      breakStaleLock(lockPath, owner.raw);
      continue;
    }
    if (Date.now() >= remindAt) {
      const who = owner?.pid ? `process ${owner.pid}` : "another process";
      say(`waiting for the dependency install run by ${who} to finish (lock: ${lockPath})…`);
      remindAt = Date.now() + REMIND_MS;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The lock's owner while one holds it and is alive (on this host), else undefined. */
function liveLockOwner(root) {
  const owner = readLock(path.join(root, LOCK_NAME));
  return owner && !isStale(owner) ? owner : undefined;
}

/** The lock's content, or undefined when there is none. An unreadable one is kept by its mtime. */
function readLock(lockPath) {
  let raw;
  let mtimeMs;
  try {
    raw = fs.readFileSync(lockPath, "utf8");
    mtimeMs = fs.statSync(lockPath).mtimeMs;
  } catch (err) {
    if (err.code === "ENOENT") return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(raw);
    return { raw, pid: parsed.pid, host: parsed.host, at: parsed.at ?? mtimeMs };
  } catch {
    // Being written this instant (create, then write), or garbage left by a crash: judged by age.
    return { raw, pid: undefined, host: undefined, at: mtimeMs };
  }
}

function isStale(owner) {
  if (Date.now() - owner.at > LOCK_MAX_AGE_MS) return true;
  if (typeof owner.pid !== "number") return Date.now() - owner.at > 10_000;
  // Another machine sharing the checkout: its pid means nothing here, so only age can tell.
  if (owner.host !== os.hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (err) {
    return err.code === "ESRCH";
  }
}

/**
 * Removes a stale lock only if it still holds what was judged stale. Two waiters may judge the same
 * lock stale: the second must not delete the fresh lock the first created meanwhile, so removal
 * happens under a short-lived breaker lock (itself O_EXCL) and re-reads the content first.
 */
function breakStaleLock(lockPath, staleRaw) {
  const breaker = `${lockPath}.break`;
  try {
    fs.writeFileSync(breaker, String(process.pid), { flag: "wx" });
  } catch (err) {
    if (err.code !== "EEXIST") throw err;
    // Someone is breaking it now; a breaker left by a process that died mid-break expires.
    const age = Date.now() - (fs.statSync(breaker, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 10_000) fs.rmSync(breaker, { force: true });
    return;
  }
  try {
    if (readLock(lockPath)?.raw === staleRaw) fs.rmSync(lockPath, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

function defaultSay(line) {
  console.log(`[mailroom] ${line}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), ".."));
  try {
    await ensureDependencies({ root });
  } catch (err) {
    console.error(`[mailroom] ${err.message}`);
    process.exit(1);
  }
}

#!/usr/bin/env node
// `npm start`: install what is missing (ensure-deps.mjs, shared with `npm test`), build the web app
// when stale, start the Microsoft emulator (unless real Microsoft is configured), then Mailroom.
// Only Node built-ins here: this runs before dependencies are installed.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDependencies } from "./ensure-deps.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dev = process.argv.includes("--dev");
const env = { ...process.env };
const dataDir = path.resolve(root, env.DATA_DIR || "data");
const port = Number(env.PORT || 3000);
const say = (line) => console.log(`[mailroom] ${line}`);

checkNode();
await ensureDependencies({ root, say }).catch((err) => {
  console.error(`[mailroom] ${err.message}`);
  process.exit(1);
});
if (!dev) buildWebIfStale();

const children = new Set();
const useEmulator = env.EMULATOR
  ? /^(1|true|yes)$/i.test(env.EMULATOR)
  : !(env.MICROSOFT_LOGIN_URL || env.MICROSOFT_GRAPH_URL || env.MICROSOFT_CLIENT_ID);
if (useEmulator) await startEmulator();
startServer();
if (dev) run("web", "npm", ["run", "dev", "-w", "web"]);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of children) child.kill("SIGTERM");
  });
}

function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`Mailroom needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
    process.exit(1);
  }
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

function buildWebIfStale() {
  const web = path.join(root, "web");
  const index = path.join(web, "dist", "index.html");
  // The bundle holds the contract's schemas too (contract/), so a change there rebuilds it.
  const newest = Math.max(newestMtime(web), newestMtime(path.join(root, "contract")));
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newest) return;
  say("building the web app…");
  const result = spawnSync("npm", ["run", "build", "-w", "web"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function run(name, command, args, extraEnv = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...env, ...extraEnv },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    for (const other of children) other.kill("SIGTERM");
    if (children.size === 0) process.exit(code ?? (signal ? 0 : 1));
    if (code) say(`${name} stopped (exit ${code}); stopping the rest`);
  });
  return child;
}

async function startEmulator() {
  const emulatorPort = Number(env.EMULATOR_PORT || 4443);
  const emulatorDir = path.join(dataDir, "emulator");
  const child = run("emulator", process.execPath, [
    "--import",
    "tsx",
    "emulator/src/cli.ts",
    "--port",
    String(emulatorPort),
    "--data-dir",
    emulatorDir,
    "--persist",
    "--app-redirect-uri",
    `${(env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, "")}/api/outlook/oauth2/callback`,
    "--json",
  ]);
  const ready = await readJsonLine(child.stdout);
  child.stdout.pipe(process.stdout);
  say(`Microsoft emulator at ${ready.url} (sign-in accounts: see emulator/README.md)`);
  env.MICROSOFT_LOGIN_URL = ready.url;
  env.MICROSOFT_GRAPH_URL = ready.url;
  env.NODE_EXTRA_CA_CERTS = ready.caPath;
  // The emulator delivers change notifications to localhost, which the real Microsoft never would.
  env.WEBHOOKS ??= "on";
  if (!env.MICROSOFT_CLIENT_ID && ready.platformApp) {
    env.MICROSOFT_CLIENT_ID = ready.platformApp.clientId;
    env.MICROSOFT_CLIENT_SECRET = ready.platformApp.clientSecret;
  }
}

function readJsonLine(stream) {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const onData = (chunk) => {
      buffer += chunk;
      const newline = buffer.indexOf("\n");
      if (newline === -1) return;
      stream.off("data", onData);
      try {
        resolve(JSON.parse(buffer.slice(0, newline)));
      } catch {
        reject(new Error(`The emulator printed something unexpected: ${buffer.slice(0, newline)}`));
      }
    };
    stream.setEncoding("utf8");
    stream.on("data", onData);
    stream.once("end", () => reject(new Error("The emulator stopped before it was ready")));
  });
}

function startServer() {
  const child = run(
    "server",
    process.execPath,
    ["--import", "tsx", ...(dev ? ["--watch"] : []), "server/src/main.ts"],
    {
      ...(dev ? { WEB_DEV: "true", NODE_ENV: "development" } : {}),
    },
  );
  const url = env.PUBLIC_URL || `http://localhost:${port}`;
  let announced = false;
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    process.stdout.write(chunk);
    // JSON lines, or pino-pretty's lines in dev.
    if (!announced && chunk.includes("Mailroom is up")) {
      announced = true;
      say(`Mailroom is running at ${dev ? "http://localhost:5173 (Vite, hot reload)" : url}`);
    }
  });
}

/**
 * `microsoft-emulator [--port 4443] [--host 127.0.0.1] [--seed file.json] [--data-dir dir]
 * [--persist] [--time-scale 1] [--public-url https://…] [--log] [--app-redirect-uri uri]… [--json]`
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { defaultSeed, MAILROOM_APP } from "./seed/default.ts";
import { loadSeed, type SeedInput } from "./seed.ts";
import { createEmulator } from "./server.ts";

const USAGE = `Usage: microsoft-emulator [options]
  --port <n>          HTTPS port (default 4443; 0 = random)
  --host <addr>       interface to listen on (default 127.0.0.1)
  --seed <file>       seed JSON file (default: built-in Contoso/Fabrikam seed)
  --data-dir <dir>    CA, certificates and state (default ./data/emulator)
  --persist           load and save state.json in the data dir
  --time-scale <x>    virtual ms per real ms (default 1; 60 = a minute per second)
  --public-url <url>  base URL for links and issuers, when behind a proxy
  --log               log requests (Fastify/pino)
  --print-seed        print the default seed as JSON (a starting point for --seed) and exit
  --app-redirect-uri <uri>  add a redirect URI to the seeded "Mailroom" app (repeatable)
  --json              first stdout line: {"url","caPath","platformApp":{"clientId","clientSecret"}}
  --help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "4443" },
      host: { type: "string", default: "127.0.0.1" },
      seed: { type: "string" },
      "data-dir": { type: "string", default: "data/emulator" },
      persist: { type: "boolean", default: false },
      "time-scale": { type: "string", default: "1" },
      "public-url": { type: "string" },
      log: { type: "boolean", default: false },
      "print-seed": { type: "boolean", default: false },
      "app-redirect-uri": { type: "string", multiple: true, default: [] },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values["print-seed"]) {
    process.stdout.write(`${JSON.stringify(defaultSeed, null, 2)}\n`);
    return;
  }
  // `npm run emulator` runs in the workspace folder; resolve paths against where the user typed it.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const emulator = await createEmulator({
    port: toNumber(values.port, "--port"),
    host: values.host,
    seed: await seedWithRedirectUris(
      values.seed ? resolve(cwd, values.seed) : undefined,
      values["app-redirect-uri"],
    ),
    dataDir: resolve(cwd, values["data-dir"]),
    persist: values.persist,
    timeScale: toNumber(values["time-scale"], "--time-scale"),
    publicBaseUrl: values["public-url"],
    logger: values.log,
  });
  if (values.json) {
    // One line that launchers (scripts/start.mjs) parse; the human-readable lines follow.
    const platformApp = { clientId: MAILROOM_APP.clientId, clientSecret: MAILROOM_APP.secretValue };
    process.stdout.write(`${JSON.stringify({ url: emulator.url, caPath: emulator.caPath, platformApp })}\n`);
  }
  process.stdout.write(
    [
      `Microsoft emulator listening on ${emulator.url}`,
      `  CA certificate: ${emulator.caPath}`,
      `  Trust it from Node: NODE_EXTRA_CA_CERTS=${emulator.caPath}`,
      `  Authority:        ${emulator.url}/<tenant>  (e.g. ${emulator.url}/common)`,
      `  Graph:            ${emulator.url}/v1.0`,
      `  Control API:      ${emulator.url}/_emulator/health`,
      "",
    ].join("\n"),
  );
  const stop = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping the emulator\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`microsoft-emulator: close failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

/** Adds redirect URIs to the seeded platform app (so a PUBLIC_URL other than localhost:3000 works). */
async function seedWithRedirectUris(
  seedPath: string | undefined,
  uris: string[],
): Promise<SeedInput | string | undefined> {
  if (uris.length === 0) return seedPath;
  const seed = await loadSeed(seedPath ?? defaultSeed);
  const app = seed.apps.find((candidate) => candidate.clientId.toLowerCase() === MAILROOM_APP.clientId);
  if (!app) throw new Error(`--app-redirect-uri: the seed has no app ${MAILROOM_APP.clientId} ("Mailroom")`);
  for (const uri of uris) {
    new URL(uri); // throws on a malformed URI, naming it
    if (!app.redirectUris.includes(uri)) app.redirectUris.push(uri);
  }
  return seed;
}

function toNumber(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) throw new Error(`${flag} needs a number ≥ 0, got ${value}`);
  return number;
}

main().catch((error: unknown) => {
  process.stderr.write(`microsoft-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

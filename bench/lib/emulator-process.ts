import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { EmulatorAddress } from "../../emulator/src/testing/emulator-fetch.ts";
import { BENCH_TLS_DIR } from "./run.ts";

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../emulator/src/cli.ts");
const Ready = z.object({ url: z.string(), caPath: z.string() });

export interface EmulatorProcess extends EmulatorAddress {
  close(): Promise<void>;
}

/**
 * The emulator in its own process (its CLI, the bench CA), for benchmarks of Mailroom's own event
 * loop: Microsoft is never in Mailroom's process, so answering Graph must not count as Mailroom's
 * work. Driven over HTTPS like the real thing; its control API covers what the bench needs.
 */
export async function startEmulatorProcess(): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      // BENCH_EMULATOR_NODE_ARGS (diagnostics), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
      ...(process.env.BENCH_EMULATOR_NODE_ARGS?.split(" ") ?? []),
      "--import",
      "tsx",
      cli,
      "--port",
      "0",
      "--data-dir",
      BENCH_TLS_DIR,
      "--json",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const ready = await new Promise<z.infer<typeof Ready>>((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`emulator process exited ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const line = out.split("\n")[0];
      if (out.includes("\n") && line) {
        try {
          resolve(Ready.parse(JSON.parse(line)));
        } catch (err) {
          reject(err);
        }
      }
    });
  });
  child.stdout!.resume();
  return {
    url: ready.url,
    caPem: fs.readFileSync(ready.caPath, "utf8"),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

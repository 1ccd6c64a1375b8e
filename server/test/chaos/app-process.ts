import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../wait-for.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface AppProcessOptions {
  /** Env on top of this process's (which carries NODE_EXTRA_CA_CERTS from global setup). */
  env: Record<string, string>;
  /** The fixed port the app listens on; it stays the same across restarts. */
  port: number;
  /** Every run's stdout and stderr are appended here, one header line per start. */
  logFile: string;
}

/**
 * Mailroom as a real child process (`node --import tsx server/src/main.ts`, as `npm start` runs
 * it), so a test can SIGKILL it the way an OOM killer or a power cut would and start it again on
 * the same database and port.
 */
export class AppProcess {
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  starts = 0;
  kills = 0;

  constructor(private readonly options: AppProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Starts the app and waits until /healthz answers 200 (or the process dies: then it throws). */
  async start(extraEnv: Record<string, string> = {}, timeoutMs = 120_000): Promise<void> {
    if (this.child) throw new Error("the app is already running");
    this.starts++;
    const log = fs.openSync(this.options.logFile, "a");
    fs.writeSync(log, `\n=== start #${this.starts} at ${new Date().toISOString()} ===\n`);
    const child = spawn(process.execPath, ["--import", "tsx", "server/src/main.ts"], {
      cwd: repoRoot,
      env: { ...process.env, ...this.options.env, ...extraEnv },
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    this.child = child;
    let exitNote: string | undefined;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        exitNote = `exited (code ${code}, signal ${signal})`;
        if (this.child === child) this.child = undefined;
        resolve();
      });
    });
    try {
      await waitFor(
        async () => {
          if (exitNote) return true; // reported below, without waiting out the deadline
          const res = await fetch(`${this.url}/healthz`).catch(() => undefined);
          return res?.status === 200;
        },
        { timeoutMs, intervalMs: 100, what: `Mailroom at ${this.url}/healthz` },
      );
    } catch (err) {
      // A start that failed must not leave a stray process behind.
      child.kill("SIGKILL");
      await this.exited;
      throw err;
    }
    if (exitNote) throw new Error(`the app ${exitNote} before it was healthy:\n${this.logTail()}`);
  }

  /** SIGKILL: no shutdown hooks, no flushing; waits until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.kills++;
    child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM: the app's graceful shutdown (finish requests and jobs, close the database). */
  async stop(timeoutMs = 30_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The last lines of the log, for failure messages. */
  logTail(lines = 60): string {
    const text = fs.existsSync(this.options.logFile) ? fs.readFileSync(this.options.logFile, "utf8") : "";
    return text.split("\n").slice(-lines).join("\n");
  }
}

import { inject } from "vitest";
import { createEmulator, type Emulator, type EmulatorOptions } from "../../emulator/src/index.ts";

/**
 * The Microsoft emulator for server tests: in-process, HTTPS on a free port, with the CA every
 * test process already trusts (see global-setup.ts). Time runs at real speed; tests move it forward with `emulator.clock.advance`.
 */
export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return createEmulator({ port: 0, dataDir: inject("emulatorTlsDir"), persist: false, ...options });
}

/** Env that points a Mailroom server at the emulator, as `npm start` does. */
export function emulatorEnv(emulator: Emulator): Record<string, string> {
  // WEBHOOKS=on: the emulator delivers notifications to the test server's http://127.0.0.1 URL.
  return { MICROSOFT_LOGIN_URL: emulator.url, MICROSOFT_GRAPH_URL: emulator.url, WEBHOOKS: "on" };
}

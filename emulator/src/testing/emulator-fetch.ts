/**
 * Test helper: fetch against a running emulator over real HTTPS, trusting its CA (no
 * NODE_EXTRA_CA_CERTS needed in-process). Uses undici's own fetch with its Agent.
 */
import { Agent, fetch, type RequestInit, type Response } from "undici";
import type { Emulator } from "../server.ts";

/** Where an emulator answers and the CA it serves with: an in-process `Emulator`, or one in another process. */
export type EmulatorAddress = Pick<Emulator, "url" | "caPem">;

const agents = new WeakMap<EmulatorAddress, Agent>();

export function emulatorFetch(
  emulator: EmulatorAddress,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  let agent = agents.get(emulator);
  if (!agent) {
    agent = new Agent({ connect: { ca: emulator.caPem } });
    agents.set(emulator, agent);
  }
  return fetch(new URL(path, `${emulator.url}/`), { ...init, dispatcher: agent });
}

/** POST/PATCH with a JSON body. */
export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } };
}

/**
 * Test helper: hold one Graph request at the emulator until the test lets it go — a latency fault
 * far longer than any test, released by moving the emulator's clock. For tests that must see the
 * state between two requests (a progress bar half way), whatever the machine's speed.
 */
import type { Emulator } from "../server.ts";
import { emulatorFetch, jsonInit } from "./emulator-fetch.ts";

/** Longer than any test runs; the held request answers when `release` moves the clock past it. */
const HOLD_MS = 10 * 60_000;

export interface HeldRequest {
  /** Waits until the held request has reached the emulator, then lets it answer. */
  release(options?: { timeoutMs?: number }): Promise<void>;
}

/**
 * Holds the request after the next `pass` requests to exactly `path` (query ignored, e.g.
 * `/v1.0/me/mailFolders/inbox/messages`; batch items count), of `mailbox` when given. Those before
 * it go through at once. Give it before the requests start.
 */
export async function holdRequest(
  emulator: Emulator,
  path: string,
  { pass = 0, mailbox }: { pass?: number; mailbox?: string } = {},
): Promise<HeldRequest> {
  const filter = { path, ...(mailbox ? { mailbox } : {}) };
  if (pass > 0) await addLatency(emulator, { ms: 0, count: pass, ...filter });
  const hold = await addLatency(emulator, { ms: HOLD_MS, count: 1, ...filter });
  return {
    async release({ timeoutMs = 15_000 } = {}) {
      // Moving the clock before the request has taken the rule would not release it.
      const deadline = Date.now() + timeoutMs;
      while ((await remaining(emulator, hold)) !== 0) {
        if (Date.now() > deadline)
          throw new Error(`no request to ${path} reached the emulator in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      emulator.clock.advance(HOLD_MS);
    },
  };
}

async function addLatency(
  emulator: Emulator,
  rule: { ms: number; count: number; path: string },
): Promise<string> {
  const res = await emulatorFetch(emulator, "/_emulator/faults/latency", jsonInit("POST", rule));
  if (res.status !== 201) throw new Error(`latency fault refused: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function remaining(emulator: Emulator, id: string): Promise<number | null | undefined> {
  const res = await emulatorFetch(emulator, "/_emulator/faults");
  const { faults } = (await res.json()) as { faults: { id: string; remaining: number | null }[] };
  return faults.find((fault) => fault.id === id)?.remaining;
}

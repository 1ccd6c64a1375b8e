/**
 * Per-emulator throttling state: the configuration (from `createEmulator({ throttle })`, changed at
 * runtime through the control API) and the live usage per app and mailbox. Runtime-only: never
 * persisted; `reset` restores the configuration the emulator started with and forgets usage.
 */
import type { EmulatorContext } from "../context.ts";
import { OUTLOOK_LIMITS, type ThrottleConfig, type ThrottleOptions, type Usage } from "./limits.ts";

export interface ThrottleState {
  /** What `reset` goes back to. */
  initial: ThrottleConfig;
  config: ThrottleConfig;
  /** Keyed `appId|mailboxId`. */
  usages: Map<string, Usage>;
}

const states = new WeakMap<EmulatorContext, ThrottleState>();

export function throttleState(ctx: EmulatorContext): ThrottleState {
  let state = states.get(ctx);
  if (!state) {
    state = { initial: { ...OUTLOOK_LIMITS }, config: { ...OUTLOOK_LIMITS }, usages: new Map() };
    states.set(ctx, state);
  }
  return state;
}

/** Sets the starting configuration (Outlook's limits, overridden by `options`). */
export function configureThrottle(ctx: EmulatorContext, options: ThrottleOptions = {}): void {
  const state = throttleState(ctx);
  state.initial = { ...OUTLOOK_LIMITS, ...options };
  state.config = { ...state.initial };
}

export function resetThrottle(state: ThrottleState): void {
  state.config = { ...state.initial };
  state.usages.clear();
}

/**
 * Virtual time for the emulator. Everything that expires (tokens, secrets, subscriptions, delta
 * state) or waits (notification delivery, retry backoff) reads `now()` and `schedule()` from here,
 * so tests can `advance()` instead of sleeping.
 *
 * Virtual now = start + (real elapsed × timeScale) + offset. `advance(ms)` bumps the offset and
 * fires every timer that became due, in due order, each seeing now() = its due time. `timeScale: 0` freezes time: it then only moves
 * with `advance`, which makes tests fully deterministic.
 */

/** Cancels a scheduled callback; calling it after the callback ran is harmless. */
export type Cancel = () => void;

export interface Clock {
  /** Virtual time in epoch milliseconds. */
  now(): number;
  /** Moves virtual time forward, synchronously firing every timer due on the way, in due order. */
  advance(ms: number): void;
  /** Runs `fn` once virtual time reaches `atMs` (epoch ms). */
  schedule(atMs: number, fn: () => void): Cancel;
  /** Runs `fn` after `delayMs` of virtual time. */
  after(delayMs: number, fn: () => void): Cancel;
  /** Resolves after `delayMs` of virtual time (for async flows such as retry backoff). */
  sleep(delayMs: number): Promise<void>;
  /** Real milliseconds per virtual millisecond are 1 / timeScale; 0 means frozen. */
  readonly timeScale: number;
  /** Stops the real timer; pending callbacks never fire afterwards. */
  close(): void;
}

export interface ClockOptions {
  /** Virtual ms per real ms: 1 = real time, 60 = one real second is one virtual minute, 0 = frozen. */
  timeScale?: number;
  /** Virtual time at creation (epoch ms); defaults to the real time. */
  startAt?: number;
}

interface Timer {
  at: number;
  order: number;
  fn: () => void;
}

/** Node's timers cap at 2^31-1 ms; longer waits are re-armed when they end. */
const MAX_REAL_DELAY = 2_147_483_647;

export function createClock(options: ClockOptions = {}): Clock {
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new RangeError("timeScale must be ≥ 0");
  const realStart = Date.now();
  const virtualStart = options.startAt ?? realStart;
  let offset = 0;
  let closed = false;
  let realTimer: NodeJS.Timeout | undefined;
  const timers = timerQueue();

  const now = (): number => virtualStart + (Date.now() - realStart) * timeScale + offset;

  /**
   * Runs timers due by `until` in order. While advancing, virtual time steps to each timer's due
   * time before it runs, so chains (retry after backoff after retry…) play out inside one advance.
   */
  function fireDue(until = now()): void {
    const errors: unknown[] = [];
    while (!closed) {
      const timer = timers.takeDue(until);
      if (!timer) break;
      const behind = timer.at - now();
      if (behind > 0) offset += behind;
      try {
        timer.fn();
      } catch (error) {
        errors.push(error);
      }
    }
    const behind = until - now();
    if (behind > 0) offset += behind;
    arm();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "several clock callbacks failed");
  }

  function arm(): void {
    if (realTimer) clearTimeout(realTimer);
    realTimer = undefined;
    const next = timers.first();
    if (closed || !next || timeScale === 0) return;
    const realDelay = Math.min(MAX_REAL_DELAY, Math.max(0, Math.ceil((next.at - now()) / timeScale)));
    realTimer = setTimeout(() => fireDue(), realDelay);
    // The HTTP server keeps the process alive; pending emulator timers alone should not.
    realTimer.unref();
  }

  const clock: Clock = {
    timeScale,
    now,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError("advance(ms) needs ms ≥ 0");
      fireDue(now() + ms);
    },
    schedule(atMs, fn) {
      const timer = timers.add(atMs, fn);
      if (timers.first() === timer) arm();
      return () => {
        if (timers.remove(timer) === "first") arm();
      };
    },
    after(delayMs, fn) {
      return clock.schedule(now() + delayMs, fn);
    },
    sleep(delayMs) {
      return new Promise((resolve) => clock.after(delayMs, resolve));
    },
    close() {
      closed = true;
      timers.clear();
      arm();
    },
  };
  return clock;
}

/** Pending timers, kept sorted by (at, order): inserts are rare compared to reads, and lists stay small. */
function timerQueue() {
  const timers: Timer[] = [];
  let order = 0;
  return {
    first: (): Timer | undefined => timers[0],
    add(at: number, fn: () => void): Timer {
      const timer: Timer = { at, order: order++, fn };
      let i = timers.length;
      while (i > 0 && compare(timers[i - 1]!, timer) > 0) i--;
      timers.splice(i, 0, timer);
      return timer;
    },
    /** Whether the timer was the first due (the real timer then needs re-arming), another, or gone. */
    remove(timer: Timer): "first" | "other" | "absent" {
      const i = timers.indexOf(timer);
      if (i < 0) return "absent";
      timers.splice(i, 1);
      return i === 0 ? "first" : "other";
    },
    /** Removes and returns the first timer if it is due by `until`. */
    takeDue: (until: number): Timer | undefined =>
      timers[0] && timers[0].at <= until ? timers.shift() : undefined,
    clear(): void {
      timers.length = 0;
    },
  };
}

function compare(a: Timer, b: Timer): number {
  return a.at - b.at || a.order - b.order;
}

/** Formats virtual time the way Graph does in JSON: ISO 8601 UTC without milliseconds. */
export function graphDateTime(ms: number): string {
  // Many calls in a row fall in the same second (every message delivered, every error body).
  // Date truncates fractional milliseconds, so the text depends only on this.
  const second = Math.floor(Math.trunc(ms) / 1000);
  if (second !== lastSecond) {
    lastText = `${new Date(ms).toISOString().slice(0, 19)}Z`;
    lastSecond = second;
  }
  return lastText;
}
let lastSecond = Number.NaN;
let lastText = "";

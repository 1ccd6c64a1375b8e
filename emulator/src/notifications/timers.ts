/** Clock timers that can all be cancelled at once (reset, close). */
import type { Cancel, Clock } from "../clock.ts";

export class TimerSet {
  private readonly cancels = new Set<Cancel>();

  constructor(private readonly clock: Clock) {}

  /** Runs fn at virtual time atMs; returns its own cancel. */
  at(atMs: number, fn: () => void): Cancel {
    const cancel = this.clock.schedule(atMs, () => {
      this.cancels.delete(cancel);
      fn();
    });
    this.cancels.add(cancel);
    return () => {
      this.cancels.delete(cancel);
      cancel();
    };
  }

  after(delayMs: number, fn: () => void): Cancel {
    return this.at(this.clock.now() + delayMs, fn);
  }

  cancelAll(): void {
    for (const cancel of this.cancels) cancel();
    this.cancels.clear();
  }
}

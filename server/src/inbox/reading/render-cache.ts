/**
 * Rendered bodies, kept briefly in this process: opening a message asks for its summary and then
 * its document, one right after the other, and rendering a large newsletter through jsdom costs
 * tens of milliseconds or more. Keyed by everything the rendering depends on (the message and its
 * last change, whether images are allowed, whether the quoted history is shown); bounded by
 * size and age, so an inline image Graph couldn't give a moment ago is tried again soon.
 */

export interface RenderCacheOptions {
  maxBytes: number;
  ttlMs: number;
  now?: () => number;
}

interface Entry<T> {
  value: T;
  bytes: number;
  at: number;
}

export class RenderCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private bytes = 0;
  constructor(private readonly options: RenderCacheOptions) {}

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.options.ttlMs) {
      this.delete(key, entry);
      return undefined;
    }
    // Map order is insertion order: re-inserting makes it the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: T, bytes: number): void {
    const old = this.entries.get(key);
    if (old) this.delete(key, old);
    if (bytes > this.options.maxBytes) return;
    this.entries.set(key, { value, bytes, at: this.now() });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.options.maxBytes) break;
      this.delete(oldest, entry);
    }
  }

  private delete(key: string, entry: Entry<T>) {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }
}

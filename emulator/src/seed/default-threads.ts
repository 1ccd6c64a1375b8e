/**
 * Five days of support mail for the default seed, as conversations in the order they began.
 * `default.ts` turns each step into copies (sender's Sent Items, recipients' Inboxes) with proper
 * In-Reply-To / References.
 */
import { EARLIER_THREADS } from "./threads/earlier.ts";
import { RECENT_THREADS } from "./threads/recent.ts";
import type { Thread } from "./threads/thread.ts";

export type { Thread, ThreadStep } from "./threads/thread.ts";

export const DEFAULT_THREADS: Thread[] = [...EARLIER_THREADS, ...RECENT_THREADS];

import { randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { AppError } from "../errors.ts";
import { tooManyAttempts } from "./auth-errors.ts";
import { rateLimit } from "./schema.ts";

/**
 * The login rate limit: at most `max` failed sign-ins per client IP in a window of
 * `windowSeconds` that starts at the first failure; then 429 with Retry-After until the window
 * ends, whatever password is tried. Successful sign-ins don't count, and don't lift a lock.
 *
 * Kept in the database so every process shares it: in Better Auth's `rate_limit` table under our
 * own key prefix (Better Auth's limiter is off for sign-in; its pruning and our hourly purge clear
 * expired rows alike), `count` being the failures and `last_request` the window's start (ms).
 * Each attempt takes a slot in one atomic statement before the password is checked, so parallel
 * guesses can't go past the limit, and gives it back when it wasn't a wrong password.
 */
export interface SignInLimit {
  max: number;
  windowSeconds: number;
}

export interface SignInAttempt {
  /** Settles the attempt with Better Auth's answer: only a 401 (wrong email or password) counts. */
  settle(status: number): Promise<void>;
}

const KEY_PREFIX = "sign-in-failures:";

/** Seconds until a window that started at `windowStart` (ms) ends; at least 1. */
export function retryAfterSeconds(windowStart: number, windowSeconds: number, now: number): number {
  return Math.max(1, Math.ceil((windowStart + windowSeconds * 1000 - now) / 1000));
}

export function signInFailures(db: Db, limit: SignInLimit) {
  const windowMs = limit.windowSeconds * 1000;

  /** Takes a slot for an attempt from `ip`, or throws 429 while `max` failures stand. */
  async function begin(ip: string, now = Date.now()): Promise<SignInAttempt> {
    const key = `${KEY_PREFIX}${ip}`;
    const expired = sql`${rateLimit.lastRequest} <= ${now - windowMs}`;
    const [taken] = await db
      .insert(rateLimit)
      .values({ id: randomUUID(), key, count: 1, lastRequest: now })
      .onConflictDoUpdate({
        target: rateLimit.key,
        set: {
          count: sql`case when ${expired} then 1 else ${rateLimit.count} + 1 end`,
          lastRequest: sql`case when ${expired} then ${now} else ${rateLimit.lastRequest} end`,
        },
        setWhere: sql`${expired} or ${rateLimit.count} < ${limit.max}`,
      })
      .returning({ windowStart: rateLimit.lastRequest });
    if (!taken) throw await locked(key, now);
    const { windowStart } = taken;
    return {
      async settle(status) {
        if (status === 401) return;
        await db
          .update(rateLimit)
          .set({ count: sql`greatest(${rateLimit.count} - 1, 0)` })
          .where(and(eq(rateLimit.key, key), eq(rateLimit.lastRequest, windowStart)));
      },
    };
  }

  async function locked(key: string, now: number): Promise<AppError> {
    const [row] = await db
      .select({ windowStart: rateLimit.lastRequest })
      .from(rateLimit)
      .where(eq(rateLimit.key, key));
    return tooManyAttempts(retryAfterSeconds(row?.windowStart ?? now, limit.windowSeconds, now));
  }

  return { begin };
}

export type SignInFailures = ReturnType<typeof signInFailures>;

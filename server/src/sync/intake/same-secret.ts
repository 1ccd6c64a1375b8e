import { timingSafeEqual } from "node:crypto";

/**
 * Constant-time comparison of a notification's clientState with the one we sealed; unequal
 * lengths compare a buffer with itself, so the timing says nothing about the length either.
 */
export function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}

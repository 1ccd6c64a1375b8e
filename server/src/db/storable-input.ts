import { badRequest } from "../errors.ts";

/**
 * Whether input from outside (a JSON body, a path parameter, a query string) can reach the
 * database as it is. Postgres refuses NUL (U+0000) in text — "invalid byte sequence for encoding
 * UTF8: 0x00", a failed query — and a lone UTF-16 surrogate has no UTF-8 form (the driver writes
 * U+FFFD in its place, so the text is silently changed). Both are refused before any query, as are
 * numbers JSON.parse turned into Infinity and absurd nesting. The walk is iterative: a recursive
 * one would overflow the stack on the very nesting it is meant to refuse.
 */

/** Our bodies nest 3 levels (Graph's notifications a few more); anything near this is an attack. */
export const MAX_INPUT_DEPTH = 32;

export type UnstorableReason = "nul" | "surrogate" | "depth" | "number";

export interface Unstorable {
  /** Where: field names and array indexes joined by dots ("" for the value itself). */
  path: string;
  reason: UnstorableReason;
}

/** A surrogate half without its partner: a high one not followed by a low one, or a low one alone. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(text: string): UnstorableReason | undefined {
  if (text.includes("\u0000")) return "nul";
  if (LONE_SURROGATE.test(text)) return "surrogate";
  return undefined;
}

/** The first part of `value` that can't be stored, or undefined when all of it can. */
export function findUnstorable(value: unknown, maxDepth = MAX_INPUT_DEPTH): Unstorable | undefined {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value: node, path } = item;
    if (typeof node === "string") {
      const reason = textProblem(node);
      if (reason) return { path: path.join("."), reason };
    } else if (typeof node === "number") {
      if (!Number.isFinite(node)) return { path: path.join("."), reason: "number" };
    } else if (node !== null && typeof node === "object") {
      if (path.length >= maxDepth) return { path: path.slice(0, 3).join("."), reason: "depth" };
      // Pushed last to first, so the first field in the document is reported first.
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const reason = textProblem(key);
        if (reason) return { path: path.join("."), reason };
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

const MESSAGES: Record<UnstorableReason, string> = {
  nul: "Contains a NUL character (\\u0000), which can't be stored",
  surrogate: "Contains an unpaired UTF-16 surrogate, which isn't valid text",
  depth: `Nested more than ${MAX_INPUT_DEPTH} levels deep`,
  number: "Contains a number too large to use",
};

/** Throws a 400 naming the field when `value` can't be stored; `where` names a value without a path. */
export function assertStorable(value: unknown, where = "body"): void {
  const found = findUnstorable(value);
  if (!found) return;
  throw badRequest("Some of this request can't be accepted", [
    { field: found.path || where, message: MESSAGES[found.reason] },
  ]);
}

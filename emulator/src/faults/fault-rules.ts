/**
 * HTTP-level faults injected into Graph requests: bursts of 429/503 answers and added latency.
 * Rules match by method, path prefix and mailbox; by default every Graph request (batch items
 * included) except the `$batch` envelope itself, which only a rule whose pathPrefix names it hits.
 * Runtime-only state, cleared by `reset`.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EmulatorContext } from "../context.ts";
import { GRAPH_PREFIX, isBatchEnvelope } from "../throttle/request-target.ts";

const Filter = {
  /** e.g. `GET`; any method when omitted. */
  method: z.string().min(1).optional(),
  /** e.g. `/v1.0/me/messages`; any Graph path when omitted. */
  pathPrefix: z.string().startsWith("/").optional(),
  /** e.g. `/v1.0/me/mailFolders/inbox/messages`: this path exactly (query ignored), so `…/messages/delta` is not hit. */
  path: z.string().startsWith("/").optional(),
  /** Mailbox id or userPrincipalName; resolved from `/me` (token) or `/users/{id|upn}`. */
  mailbox: z.string().min(1).optional(),
};

export const BurstInput = z
  .object({
    status: z.union([z.literal(429), z.literal(503)]).default(429),
    /** How many matching requests get the fault answer. */
    count: z.number().int().positive().default(1),
    /** Retry-After in seconds (fractional allowed); null sends no header. */
    retryAfterSeconds: z.number().nonnegative().nullable().default(1),
    code: z.string().min(1).optional(),
    message: z.string().min(1).optional(),
    ...Filter,
  })
  .strict();

export const LatencyInput = z
  .object({
    /** Added delay in virtual milliseconds (the emulator clock: advance it in tests). */
    ms: z.number().nonnegative(),
    /** Extra random delay in [0, jitterMs]. */
    jitterMs: z.number().nonnegative().default(0),
    /** How many matching requests are delayed; unlimited when omitted. */
    count: z.number().int().positive().optional(),
    ...Filter,
  })
  .strict();

interface RuleBase {
  id: string;
  method?: string;
  pathPrefix?: string;
  path?: string;
  /** Lower-case mailbox id (resolved when the rule was created) or the given text. */
  mailbox?: string;
  /** Requests still to hit; null = unlimited. */
  remaining: number | null;
  /** Emulator-clock times (epoch ms) at which the rule fired, oldest first (last 100). */
  firedAt: number[];
}
export interface BurstRule extends RuleBase {
  kind: "burst";
  status: 429 | 503;
  retryAfterSeconds: number | null;
  code: string;
  message: string;
}
export interface LatencyRule extends RuleBase {
  kind: "latency";
  ms: number;
  jitterMs: number;
}
export type FaultRule = BurstRule | LatencyRule;

export interface MatchedRequest {
  method: string;
  path: string;
  mailboxId?: string;
}

const states = new WeakMap<EmulatorContext, FaultRule[]>();

/** The live rule list of one emulator (mutated in place). */
export function faultRules(ctx: EmulatorContext): FaultRule[] {
  let rules = states.get(ctx);
  if (!rules) {
    rules = [];
    states.set(ctx, rules);
  }
  return rules;
}

export function newRuleBase(
  filter: { method?: string; pathPrefix?: string; path?: string; mailbox?: string },
  remaining: number | null,
): RuleBase {
  return {
    id: randomUUID(),
    method: filter.method?.toUpperCase(),
    pathPrefix: filter.pathPrefix,
    path: filter.path,
    mailbox: filter.mailbox?.toLowerCase(),
    remaining,
    firedAt: [],
  };
}

export function matches(rule: FaultRule, request: MatchedRequest): boolean {
  if (rule.remaining === 0) return false;
  if (rule.method && rule.method !== request.method.toUpperCase()) return false;
  if (rule.path !== undefined || rule.pathPrefix !== undefined) {
    if (rule.path !== undefined && request.path !== rule.path) return false;
    if (rule.pathPrefix !== undefined && !request.path.startsWith(rule.pathPrefix)) return false;
  } else if (!request.path.startsWith(GRAPH_PREFIX) || isBatchEnvelope(request.path)) {
    return false;
  }
  if (rule.mailbox && rule.mailbox !== request.mailboxId) return false;
  return true;
}

/** Finds the first live rule of `kind` matching the request and consumes one use of it. */
export function takeRule<K extends FaultRule["kind"]>(
  rules: FaultRule[],
  kind: K,
  request: MatchedRequest,
  now: number,
): Extract<FaultRule, { kind: K }> | undefined {
  const rule = rules.find(
    (candidate): candidate is Extract<FaultRule, { kind: K }> =>
      candidate.kind === kind && matches(candidate, request),
  );
  if (!rule) return undefined;
  if (rule.remaining !== null) rule.remaining--;
  rule.firedAt.push(now);
  if (rule.firedAt.length > 100) rule.firedAt.shift();
  return rule;
}

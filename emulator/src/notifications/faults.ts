/**
 * Injected delivery faults, for testing how a receiver copes with what Graph may do: lose
 * notifications, send one twice, send late, send out of order, or fail the validation handshake.
 * A fault applies to every change notification (or only one subscription's / mailbox's) until it
 * has affected `count` of them (or forever without a count), each with probability `percent`.
 * Lifecycle notifications are never faulted: they are how a receiver learns about losses.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";

const Scope = {
  count: z.number().int().positive().optional(),
  percent: z.number().min(0).max(100).optional(),
  subscriptionId: z.string().optional(),
  mailboxId: z.string().optional(),
};

export const FaultInput = z.discriminatedUnion("kind", [
  /** Lose notifications; `announceMissed` also sends a `missed` lifecycle event, as Graph does when it drops. */
  z.object({ kind: z.literal("drop"), announceMissed: z.boolean().optional(), ...Scope }).strict(),
  z.object({ kind: z.literal("duplicate"), ...Scope }).strict(),
  /** Hold each notification for delayMs of virtual time (advance the clock to release it). */
  z.object({ kind: z.literal("delay"), delayMs: z.number().int().positive(), ...Scope }).strict(),
  /** Hold notifications until `window` have gathered (or holdMs of virtual time passed), then shuffle. */
  z
    .object({
      kind: z.literal("reorder"),
      window: z.number().int().min(2),
      holdMs: z.number().int().positive().optional(),
      ...Scope,
    })
    .strict(),
  /**
   * Make the next validation handshakes fail as Graph reports it: `non200`, `wrongBody` or `timeout`
   * (after validationTimeoutMs), or `slow`: answer the create request only after delayMs of real time.
   */
  z
    .object({
      kind: z.literal("validation"),
      outcome: z.enum(["non200", "wrongBody", "timeout", "slow"]),
      delayMs: z.number().int().nonnegative().optional(),
      count: z.number().int().positive().optional(),
      mailboxId: z.string().optional(),
    })
    .strict(),
]);

export type FaultInput = z.infer<typeof FaultInput>;
export type Fault = FaultInput & { id: string; remaining: number | null; createdAt: number };
export type FaultKind = Fault["kind"];
export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

export interface FaultTarget {
  subscriptionId?: string;
  mailboxId: string;
}

export class FaultBook {
  private faults: Fault[] = [];

  add(input: FaultInput, nowMs: number): Fault {
    const fault = { ...input, id: randomUUID(), remaining: input.count ?? null, createdAt: nowMs } as Fault;
    this.faults.push(fault);
    return fault;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault of this kind that applies to the target, using up one of its count. */
  take<K extends FaultKind>(kind: K, target: FaultTarget): FaultOf<K> | undefined {
    for (const fault of this.faults) {
      if (fault.kind !== kind || !applies(fault, target)) continue;
      const percent = "percent" in fault ? (fault.percent ?? 100) : 100;
      if (percent < 100 && Math.random() * 100 >= percent) continue;
      if (fault.remaining !== null && --fault.remaining <= 0) this.remove(fault.id);
      return fault as FaultOf<K>;
    }
    return undefined;
  }
}

function applies(fault: Fault, target: FaultTarget): boolean {
  if (fault.mailboxId && fault.mailboxId.toLowerCase() !== target.mailboxId) return false;
  if ("subscriptionId" in fault && fault.subscriptionId && fault.subscriptionId !== target.subscriptionId)
    return false;
  return true;
}

/** A random permutation that differs from the input whenever it has two or more items. */
export function shuffle<T>(items: readonly T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  if (result.length >= 2 && result.every((item, i) => item === items[i])) {
    [result[0], result[1]] = [result[1]!, result[0]!];
  }
  return result;
}

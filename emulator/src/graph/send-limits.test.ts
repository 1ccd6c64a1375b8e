import { describe, expect, it } from "vitest";
import { admitSubmission, DAY_MS, EXCHANGE_ONLINE_SENDING_LIMITS, type Submission } from "./send-limits.ts";

const T0 = Date.parse("2026-01-05T09:00:00Z");
const limits = EXCHANGE_ONLINE_SENDING_LIMITS;

describe("admitSubmission", () => {
  it("sends 30 messages in a minute at once and carries the 31st over to when the first is a minute old", () => {
    const log: Submission[] = [];
    for (let i = 0; i < 30; i++)
      expect(admitSubmission(log, limits, T0 + i * 1000, 1)).toEqual({ ok: true, at: T0 + i * 1000 });
    expect(admitSubmission(log, limits, T0 + 30_000, 1)).toEqual({ ok: true, at: T0 + 60_000 });
    expect(admitSubmission(log, limits, T0 + 30_000, 1)).toEqual({ ok: true, at: T0 + 61_000 });
  });

  it("answers the wait instead when the message rate is set to reject", () => {
    const log: Submission[] = [];
    const reject = { ...limits, messagesPerMinute: 2, messageRateExceeded: "reject" as const };
    admitSubmission(log, reject, T0, 1);
    admitSubmission(log, reject, T0 + 10_000, 1);
    expect(admitSubmission(log, reject, T0 + 20_000, 1)).toEqual({
      ok: false,
      limit: "messagesPerMinute",
      retryAfterSeconds: 40,
    });
    expect(log).toHaveLength(2);
    expect(admitSubmission(log, reject, T0 + 60_000, 1)).toEqual({ ok: true, at: T0 + 60_000 });
  });

  it("refuses past 10,000 recipients a day until enough of them are a day old", () => {
    const log: Submission[] = [];
    for (let i = 0; i < 20; i++) expect(admitSubmission(log, limits, T0 + i * 3_600_000, 500).ok).toBe(true);
    const later = T0 + 20 * 3_600_000;
    expect(admitSubmission(log, limits, later, 1)).toEqual({
      ok: false,
      limit: "recipientsPerDay",
      retryAfterSeconds: (T0 + DAY_MS - later) / 1000,
    });
    expect(admitSubmission(log, limits, T0 + DAY_MS, 500)).toEqual({ ok: true, at: T0 + DAY_MS });
  });
});

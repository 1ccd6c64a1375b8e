import { describe, expect, it } from "vitest";
import { everyMinutesCron } from "./sweep.ts";

describe("the sweep's schedule", () => {
  it("turns SYNC_SWEEP_MINUTES into a cron expression", () => {
    expect(everyMinutesCron(15)).toBe("*/15 * * * *");
    expect(everyMinutesCron(1)).toBe("* * * * *");
    expect(everyMinutesCron(60)).toBe("0 */1 * * *");
    expect(everyMinutesCron(120)).toBe("0 */2 * * *");
    expect(everyMinutesCron(90)).toBe("0 */2 * * *");
    expect(everyMinutesCron(1440)).toBe("0 0 * * *");
  });
});

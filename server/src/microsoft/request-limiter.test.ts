import { describe, expect, it } from "vitest";
import { heldSlots } from "./request-limiter.ts";

/** A request that stays in flight until the test lets it finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("heldSlots: requests sharing slots already taken", () => {
  it("runs requests while their weights fit the slots held, the rest in the order they came", async () => {
    const limiter = heldSlots(4);
    const started: string[] = [];
    const gates = new Map(["a", "b", "c", "d"].map((name) => [name, gate()]));
    const request = (name: string, weight: number) =>
      limiter.run(async () => {
        started.push(name);
        await gates.get(name)!.opened;
        return name;
      }, weight);

    const a = request("a", 3);
    const b = request("b", 2); // 3 + 2 > 4: waits for a
    const c = request("c", 1); // would fit beside a, but b came first
    const d = request("d", 1);
    await new Promise((r) => setImmediate(r)); // every microtask has run
    expect(started).toEqual(["a"]);

    gates.get("a")!.open();
    expect(await a).toBe("a");
    await expect.poll(() => started).toEqual(["a", "b", "c", "d"]);
    for (const name of ["b", "c", "d"]) gates.get(name)!.open();
    expect(await Promise.all([b, c, d])).toEqual(["b", "c", "d"]);
  });

  it("counts a request heavier than the slots held as all of them, so it still runs", async () => {
    const limiter = heldSlots(2);
    expect(await limiter.run(async () => "ran", 4)).toBe("ran");
  });

  it("frees the slot of a request that failed", async () => {
    const limiter = heldSlots(1);
    await expect(limiter.run(() => Promise.reject(new Error("Graph said no")))).rejects.toThrow(
      "Graph said no",
    );
    expect(await limiter.run(async () => "next")).toBe("next");
  });

  it("holds a part of the slots within the slots held", async () => {
    const limiter = heldSlots(4);
    let most = 0;
    let now = 0;
    const work = async () => {
      now++;
      most = Math.max(most, now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
    };
    await limiter.hold(2, async (held) => {
      await Promise.all(Array.from({ length: 6 }, () => held.run(work)));
    });
    expect(most).toBe(2);
  });
});

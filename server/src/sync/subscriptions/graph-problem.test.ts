import { describe, expect, it } from "vitest";
import { GraphError } from "../../microsoft/graph-client.ts";
import { graphProblem } from "./graph-problem.ts";

describe("Graph problems for sync health", () => {
  it("keeps Graph's code and message, and nothing from other errors", () => {
    expect(
      graphProblem(new GraphError(400, "ValidationError", "Subscription validation request failed.")),
    ).toEqual({
      code: "ValidationError",
      message: "Subscription validation request failed.",
    });
    expect(graphProblem(new Error("connect ECONNREFUSED https://token@host"))).toEqual({
      code: "unreachable",
      message: "Microsoft Graph could not be reached",
    });
  });
});

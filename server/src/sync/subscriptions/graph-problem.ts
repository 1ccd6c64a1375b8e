import { GraphError } from "../../microsoft/graph-client.ts";

/** Graph's error code and message (never tokens or URLs), for sync health. */
export function graphProblem(err: unknown): { code: string; message: string } {
  if (err instanceof GraphError) return { code: err.code || String(err.status), message: err.message };
  return { code: "unreachable", message: "Microsoft Graph could not be reached" };
}

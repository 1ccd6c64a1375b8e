import { badRequest } from "../errors.ts";
import type { ListPosition } from "../mail/read-conversations.ts";
import { isUuid } from "./visibility.ts";

/**
 * The list's page link: the last item's keyset position (mail/read-conversations.ts), opaque to
 * the browser. A link this server didn't issue is a 400 that says to reload, never a 500.
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString("base64url");
}

export function decodeCursor(value: string): ListPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(parsed)) {
      const [at, id] = parsed;
      if (typeof at === "string" && typeof id === "string" && isUuid(id) && !Number.isNaN(Date.parse(at)))
        return { at, id };
    }
  } catch {
    // falls through to the refusal below
  }
  throw badRequest("That page link is no longer valid; reload the list", [
    { field: "cursor", message: "Not a cursor this server issued" },
  ]);
}

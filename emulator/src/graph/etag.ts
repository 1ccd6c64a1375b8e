/**
 * `If-Match` on a message write: the request names the etag (`W/"{changeKey}"`) it last saw; when
 * the item changed since, Outlook refuses with 412 ErrorIrresolvableConflict and Exchange's text
 * for that code. `*` matches any version; several etags may be listed.
 * https://learn.microsoft.com/graph/api/resources/outlookitem (changeKey: the version of the item)
 */
import { InputError } from "./message-input.ts";

export const CHANGE_KEY_CONFLICT =
  "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.";

/** True when the `If-Match` header (absent: no condition) admits an item at `changeKey`. */
export function etagMatches(ifMatch: string | undefined, changeKey: string): boolean {
  if (ifMatch === undefined || ifMatch.trim() === "") return true;
  return ifMatch.split(",").some((tag) => {
    const value = tag.trim();
    return value === "*" || value.replace(/^W\//, "").replace(/^"(.*)"$/, "$1") === changeKey;
  });
}

export function checkIfMatch(ifMatch: string | string[] | undefined, changeKey: string): void {
  const header = Array.isArray(ifMatch) ? ifMatch.join(",") : ifMatch;
  if (!etagMatches(header, changeKey))
    throw new InputError(412, "ErrorIrresolvableConflict", CHANGE_KEY_CONFLICT);
}

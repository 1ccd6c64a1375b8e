import type { IncomingHttpHeaders } from "node:http";

/** Node's header object as Fetch `Headers`, the form Better Auth reads (repeated values joined). */
export function toFetchHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

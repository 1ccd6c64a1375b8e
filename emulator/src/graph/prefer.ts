/**
 * The `Prefer` request header options Graph mail honours, and the matching `Preference-Applied`.
 * https://learn.microsoft.com/graph/outlook-immutable-id (IdType="ImmutableId")
 * https://learn.microsoft.com/graph/api/message-get (outlook.body-content-type)
 * https://learn.microsoft.com/graph/delta-query-messages (odata.maxpagesize)
 */
import type { FastifyReply, FastifyRequest } from "fastify";

export interface Preferences {
  immutableIds: boolean;
  bodyType: "text" | "html" | null;
  maxPageSize: number | null;
}

/** Parsed `Prefer` headers by text: clients send the same one or two on every request. Bounded. */
const parsed = new Map<string, Preferences>();
const PARSED_LIMIT = 100;

export function readPreferences(request: FastifyRequest): Preferences {
  const header = request.headers.prefer;
  if (!header) return { immutableIds: false, bodyType: null, maxPageSize: null };
  const text = Array.isArray(header) ? header.join(",") : header;
  let prefs = parsed.get(text);
  if (!prefs) {
    prefs = parsePreferences(text);
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    parsed.set(text, prefs);
  }
  return { ...prefs };
}

function parsePreferences(text: string): Preferences {
  const prefs: Preferences = { immutableIds: false, bodyType: null, maxPageSize: null };
  for (const part of text.split(",")) {
    const [rawName, ...rest] = part.split("=");
    const name = rawName?.trim().toLowerCase();
    const value = rest.join("=").trim().replace(/^"|"$/g, "");
    if (name === "idtype") prefs.immutableIds = value.toLowerCase() === "immutableid";
    else if (name === "outlook.body-content-type") {
      const type = value.toLowerCase();
      if (type === "text" || type === "html") prefs.bodyType = type;
    } else if (name === "odata.maxpagesize") {
      const size = Number.parseInt(value, 10);
      if (Number.isFinite(size) && size > 0) prefs.maxPageSize = size;
    }
  }
  return prefs;
}

/** Echoes what was honoured, e.g. `IdType="ImmutableId", outlook.body-content-type="text"`. */
export function applyPreferences(reply: FastifyReply, prefs: Preferences, extra: string[] = []): void {
  if (extra.length === 0 && prefs.bodyType === null) {
    if (prefs.immutableIds) reply.header("preference-applied", 'IdType="ImmutableId"');
    return;
  }
  const applied = [...extra];
  if (prefs.immutableIds) applied.push('IdType="ImmutableId"');
  if (prefs.bodyType) applied.push(`outlook.body-content-type="${prefs.bodyType}"`);
  if (applied.length > 0) reply.header("preference-applied", applied.join(", "));
}

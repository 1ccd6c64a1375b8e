/**
 * What a hostile client sends: JSON values Postgres refuses or mangles (NUL, lone UTF-16
 * surrogates), numbers JavaScript can't hold (1e400 parses to Infinity, 2^53 + 1 loses precision,
 * 2^31 overflows an int4 column), nesting deep enough to blow a recursive walk, wrong types, and
 * strings of a megabyte — as raw JSON text, since JSON.stringify can't write most of them.
 */

/** Bodies near the 1 MiB body limit: a 1 MB string still fits, so it reaches the route. */
const MEGABYTE = 1_000_000;
const DEPTH = 10_000;

/** Hostile JSON values (raw text), to put where a route expects a field. */
export const HOSTILE_VALUES: Record<string, string> = {
  nul: '"a\\u0000b"',
  rawNul: `"${"\u0000"}"`,
  loneHighSurrogate: '"x\\ud800"',
  loneLowSurrogate: '"\\udfffx"',
  infinity: "1e400",
  minusInfinity: "-1e400",
  beyondSafeInteger: "9007199254740993",
  beyondInt4: "2147483648",
  negative: "-1",
  fraction: "0.5",
  boolean: "true",
  null: "null",
  object: '{"a":1}',
  array: '["a"]',
  deepArray: `${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}`,
  deepObject: `${'{"a":'.repeat(DEPTH)}1${"}".repeat(DEPTH)}`,
  megabyteString: `"${"x".repeat(MEGABYTE)}"`,
};

/** Whole bodies: not an object, nothing at all, or hostile at the top level. */
export const HOSTILE_BODIES: Record<string, string> = {
  empty: "",
  ...HOSTILE_VALUES,
  string: '"text"',
  number: "42",
  emptyObject: "{}",
  emptyArray: "[]",
  nulKey: '{"a\\u0000":"b"}',
  surrogateKey: '{"\\ud800":"b"}',
};

/** Field names our API reads, each set to a hostile value at once (routes that don't use one ignore it). */
const FIELDS = [
  "name",
  "email",
  "password",
  "orgId",
  "role",
  "returnTo",
  "credentials",
  "clientId",
  "clientSecret",
  "tenant",
  "displayName",
  "signature",
  "autoBcc",
  "undoSendSeconds",
  "description",
  "color",
  "visibility",
  "memberIds",
  "days",
  "value",
];

/** Every field of FIELDS set to one hostile value (the heavy values only once, not per field). */
export function allFieldsBodies(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [label, value] of Object.entries(HOSTILE_VALUES)) {
    const heavy = label === "deepArray" || label === "deepObject" || label === "megabyteString";
    const fields = heavy ? ["name"] : FIELDS;
    out[`fields:${label}`] = `{${fields.map((f) => `${JSON.stringify(f)}:${value}`).join(",")}}`;
  }
  return out;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A route's valid body with one leaf at a time replaced by each hostile value: the hostile value
 * arrives where the route really reads it, past its other checks.
 */
export function mutations(sample: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (sample === undefined) return out;
  const walk = (node: Json, path: string[]) => {
    if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
      return;
    }
    for (const [label, value] of Object.entries(HOSTILE_VALUES)) {
      out[`${path.join(".")}:${label}`] = replaceAt(sample, path, value);
    }
  };
  walk(sample, []);
  return out;
}

/** `sample` as JSON text with the leaf at `path` replaced by raw JSON `value`. */
function replaceAt(sample: Json, path: string[], value: string): string {
  const marker = "\u0001HOSTILE\u0001";
  const copy = structuredClone(sample) as Record<string, Json>;
  let node: Record<string, Json> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, Json>;
  node[path.at(-1)!] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), value);
}

/** Path parameter values: NUL and a lone surrogate percent-encoded, and ids of the wrong shape. */
export const HOSTILE_PARAMS: Record<string, string> = {
  nul: "%00",
  nulInside: "abc%00def",
  surrogate: "%ED%A0%80",
  badUtf8: "%C3%28",
  notUuid: "not-a-uuid",
  hugeNumber: "99999999999999999999999999",
  long: "x".repeat(4000),
  dotdot: "%2e%2e",
};

/** Query strings: the names routes read, with NUL, surrogates, huge numbers, repeats. */
export const HOSTILE_QUERIES: Record<string, string> = {
  nul: "ids=%00&limit=%00&cursor=%00&keepConversations=%00&code=%00&state=%00&error=%00",
  surrogate: "ids=%ED%A0%80&cursor=%ED%A0%80&code=%ED%A0%80&state=%ED%A0%80&validationToken=%ED%A0%80",
  badUtf8: "cursor=%C3%28&ids=%FF",
  infinity: "limit=1e400",
  beyondSafeInteger: "limit=9007199254740993",
  negative: "limit=-1",
  repeated: "limit=1&limit=2&ids=a&ids=b&keepConversations=true&keepConversations=false",
  badIds: `ids=${["%00", "not-a-uuid", "99999999999999999999"].join(",")}`,
  cursor: `cursor=${Buffer.from('["\\u0000","x"]').toString("base64url")}`,
  validationTokenNul: "validationToken=a%00b",
  long: `cursor=${"x".repeat(4000)}`,
};

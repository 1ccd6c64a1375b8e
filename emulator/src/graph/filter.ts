/**
 * A small OData `$filter` evaluator for messages: comparisons (eq ne gt ge lt le) on properties and
 * property paths (`from/emailAddress/address`), `and` / `or` / `not`, parentheses, and the
 * `contains` / `startswith` functions. Literals: 'strings', unquoted date-times, numbers, booleans.
 * https://learn.microsoft.com/graph/filter-query-parameter
 */

export class FilterError extends Error {}

export interface CompiledFilter {
  test(record: object): boolean;
  /** Property paths in order of appearance (Graph's `$orderby` + `$filter` rule needs them). */
  properties: string[];
}

type Literal = string | number | boolean | null;
type Node =
  | { type: "compare"; op: string; path: string[]; value: Literal }
  | { type: "call"; fn: "contains" | "startswith"; path: string[]; value: string }
  | { type: "and" | "or"; left: Node; right: Node }
  | { type: "not"; operand: Node };

const TOKEN = /\s*(\(|\)|,|'(?:[^']|'')*'|[A-Za-z_][\w/.]*|[-+\d][\w:.+-]*)/y;
const OPERATORS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);

export function compileFilter(text: string, knownProperty: (name: string) => boolean): CompiledFilter {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(text);
    if (!match) throw new FilterError("Invalid filter clause");
    tokens.push(match[1]!);
  }
  const properties: string[] = [];
  let position = 0;
  const peek = () => tokens[position];
  const next = () => {
    const token = tokens[position++];
    if (token === undefined) throw new FilterError("Invalid filter clause");
    return token;
  };
  const path = (token: string) => {
    const segments = token.split("/");
    if (!knownProperty(segments[0]!))
      throw new FilterError(
        `Could not find a property named '${segments[0]}' on type 'microsoft.graph.message'.`,
      );
    properties.push(token);
    return segments;
  };
  const primary = (): Node => {
    const token = next();
    if (token === "(") {
      const inner = or();
      if (next() !== ")") throw new FilterError("Invalid filter clause");
      return inner;
    }
    if (token.toLowerCase() === "not") return { type: "not", operand: primary() };
    const fn = token.toLowerCase();
    if ((fn === "contains" || fn === "startswith") && peek() === "(") {
      next();
      const target = path(next());
      if (next() !== ",") throw new FilterError("Invalid filter clause");
      const value = literal(next());
      if (next() !== ")" || typeof value !== "string") throw new FilterError("Invalid filter clause");
      return { type: "call", fn, path: target, value };
    }
    const target = path(token);
    const op = next().toLowerCase();
    if (!OPERATORS.has(op)) throw new FilterError("Invalid filter clause");
    return { type: "compare", op, path: target, value: literal(next()) };
  };
  const and = (): Node => {
    let left = primary();
    while (peek()?.toLowerCase() === "and") {
      next();
      left = { type: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek()?.toLowerCase() === "or") {
      next();
      left = { type: "or", left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (position !== tokens.length) throw new FilterError("Invalid filter clause");
  return { test: (record) => evaluate(tree, record), properties };
}

function literal(token: string): Literal {
  if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
  const lower = token.toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  if (lower === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
  if (/^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d)?)?$/.test(token)) return token;
  throw new FilterError("Invalid filter clause");
}

function resolve(record: object, path: string[]): unknown {
  let value: unknown = record;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function evaluate(node: Node, record: object): boolean {
  switch (node.type) {
    case "and":
      return evaluate(node.left, record) && evaluate(node.right, record);
    case "or":
      return evaluate(node.left, record) || evaluate(node.right, record);
    case "not":
      return !evaluate(node.operand, record);
    case "call": {
      const value = resolve(record, node.path);
      if (typeof value !== "string") return false;
      const haystack = value.toLowerCase();
      const needle = node.value.toLowerCase();
      return node.fn === "contains" ? haystack.includes(needle) : haystack.startsWith(needle);
    }
    case "compare":
      return compare(node.op, resolve(record, node.path), node.value);
  }
}

function compare(op: string, actual: unknown, expected: Literal): boolean {
  let left: unknown = actual;
  let right: unknown = expected;
  if (
    typeof actual === "string" &&
    typeof expected === "string" &&
    isDateTime(actual) &&
    isDateTime(expected)
  ) {
    left = Date.parse(actual);
    right = Date.parse(expected);
  } else if (typeof left === "string" && typeof right === "string") {
    left = left.toLowerCase();
    right = right.toLowerCase();
  }
  if (op === "eq") return left === right || (left === undefined && right === null);
  if (op === "ne") return left !== right;
  if (left === null || left === undefined || right === null) return false;
  const a = left as number | string;
  const b = right as number | string;
  if (op === "gt") return a > b;
  if (op === "ge") return a >= b;
  if (op === "lt") return a < b;
  return a <= b;
}

const isDateTime = (value: string) => /^\d{4}-\d\d-\d\dT/.test(value);

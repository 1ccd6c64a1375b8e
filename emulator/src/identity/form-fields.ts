/** Reading form posts and query strings at the edge: every field is an optional string. */
import { z } from "zod";

const Fields = z.record(z.string(), z.union([z.string(), z.array(z.string())]));

export type FormFields = Record<string, string | undefined>;

/** Flattens a parsed form or query (first value of repeated fields); anything else is empty. */
export function formFields(body: unknown): FormFields {
  const parsed = Fields.safeParse(body ?? {});
  if (!parsed.success) return {};
  const out: FormFields = {};
  for (const [key, value] of Object.entries(parsed.data)) out[key] = Array.isArray(value) ? value[0] : value;
  return out;
}

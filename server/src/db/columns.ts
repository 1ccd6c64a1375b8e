import { type SQL, sql } from "drizzle-orm";
import { type AnyPgColumn, timestamp } from "drizzle-orm/pg-core";

/** Column builders every module's tables share (fresh builders per call, as Drizzle needs). */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * The CHECK behind a typed text column (`text(name, { enum: values })`): the database refuses any
 * other value, as TypeScript does (ADR 014). NULL passes, as it does any CHECK. The values are our
 * own constants, written into the migration as literals.
 */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  return sql`${column} in (${sql.raw(values.map((v) => `'${v.replaceAll("'", "''")}'`).join(", "))})`;
}

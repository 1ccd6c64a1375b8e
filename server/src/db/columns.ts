import { timestamp } from "drizzle-orm/pg-core";

/** Column builders every module's tables share (fresh builders per call, as Drizzle needs). */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

import { text, timestamp } from "drizzle-orm/pg-core";
import { organization } from "../accounts/schema.ts";

/** Column builders every module's tables share (fresh builders per call, as Drizzle needs). */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** The owning organisation: every org-scoped row has one, and goes with it. */
export const orgIdColumn = () =>
  text("org_id")
    .notNull()
    .references(() => organization.id, { onDelete: "cascade" });

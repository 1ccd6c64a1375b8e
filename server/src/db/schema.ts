// Every table, re-exported from the module that owns it. Drizzle Kit reads this file.
export * from "../accounts/schema.ts";
export * from "../channels/schema.ts";
export * from "../inbox/schema.ts";
export * from "../mail/schema.ts";
export * from "../sync/backfill/schema.ts";
export * from "../sync/delta/schema.ts";
export * from "../sync/state/schema.ts";
export * from "../sync/subscriptions/schema.ts";

import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  // Each module owns its tables in its own schema.ts; drizzle-kit reads them all.
  schema: "./src/**/schema.ts",
  out: "./drizzle",
});

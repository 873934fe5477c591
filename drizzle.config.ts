import { defineConfig } from "drizzle-kit";

// Used only by `npm run db:generate`; the app applies migrations itself at start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});

import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Console-wide settings, one row per key; values are validated by lib/settings. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

import { eq } from "drizzle-orm";
import type { Executor } from "./client";
import { settings } from "./schema";

/** Every stored setting as `{ key, value }` (value is the stored JSON); unset keys have no row. */
export function listSettingRows(db: Executor): Promise<{ key: string; value: unknown }[]> {
  return db.select({ key: settings.key, value: settings.value }).from(settings);
}

/** Stores one setting's value, inserting its row on first write. */
export async function upsertSetting(db: Executor, key: string, value: unknown): Promise<void> {
  const existing = await db.select({ key: settings.key }).from(settings).where(eq(settings.key, key));
  if (existing.length) await db.update(settings).set({ value, updatedAt: new Date() }).where(eq(settings.key, key));
  else await db.insert(settings).values({ key, value });
}

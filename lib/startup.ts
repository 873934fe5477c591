import { getDatabase } from "@/db/client";
import { loadShippedFrameworks } from "./frameworks/load-catalogs";
import { getConfig } from "./config";
import { bootstrapAdminFromConfig } from "./users/first-admin";

type GlobalWithStartup = typeof globalThis & { __stewardStarted?: Promise<void> };
const holder = globalThis as GlobalWithStartup;

/** Opens and migrates the database, loads shipped framework catalogs and creates the bootstrap admin, once per process. */
export function ensureStarted(): Promise<void> {
  if (!holder.__stewardStarted) {
    const starting = (async () => {
      const database = await getDatabase();
      await loadShippedFrameworks(database.db);
      await bootstrapAdminFromConfig(getConfig().bootstrapAdmin);
    })();
    starting.catch(() => {
      if (holder.__stewardStarted === starting) holder.__stewardStarted = undefined;
    });
    holder.__stewardStarted = starting;
  }
  return holder.__stewardStarted;
}

import { getDatabase } from "@/db/client";
import { getConfig } from "./config";
import { bootstrapAdminFromConfig } from "./users/first-admin";

type GlobalWithStartup = typeof globalThis & { __stewardStarted?: Promise<void> };
const holder = globalThis as GlobalWithStartup;

/** Opens and migrates the database and creates the bootstrap admin, once per process. */
export function ensureStarted(): Promise<void> {
  if (!holder.__stewardStarted) {
    const starting = (async () => {
      await getDatabase();
      await bootstrapAdminFromConfig(getConfig().bootstrapAdmin);
    })();
    starting.catch(() => {
      if (holder.__stewardStarted === starting) holder.__stewardStarted = undefined;
    });
    holder.__stewardStarted = starting;
  }
  return holder.__stewardStarted;
}

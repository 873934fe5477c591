import { cookies } from "next/headers";
import { getConfig } from "@/lib/config";
import { recentWriteWindowMs, withReadScope } from "@/lib/replica/read-db";

/** Set after a person's change (a server action), so their next pages read what they just wrote. */
export const WROTE_AT_COOKIE = "steward_wrote_at";

/**
 * Runs a page's reads with the read replica allowed — unless this browser made a change within the
 * replica's allowed lag (`replicaMaxLagSeconds`): then the primary, so the page right after a change
 * shows it (read-your-own-writes). Without DATABASE_READ_URL it simply runs `fn`.
 */
export async function readingFromReplica<T>(fn: () => Promise<T>): Promise<T> {
  if (!getConfig().databaseReadUrl) return fn();
  const wroteAt = Number((await cookies()).get(WROTE_AT_COOKIE)?.value ?? 0);
  const recent = Number.isFinite(wroteAt) && Date.now() - wroteAt < (await recentWriteWindowMs());
  return withReadScope(!recent, fn);
}

/** Marks this browser as having just changed something (called by every successful server action). */
export async function noteWrite(): Promise<void> {
  if (!getConfig().databaseReadUrl) return;
  (await cookies()).set(WROTE_AT_COOKIE, String(Date.now()), { httpOnly: true, sameSite: "lax", path: "/", maxAge: 3600 });
}

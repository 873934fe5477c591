// GET /api/ready — readiness: the database is reachable and fully migrated, the process is not
// stopping, and (PGlite) its disk has room; 503 with Retry-After and the reason otherwise. No
// authentication: it names the database (host or folder) and the cause, never a credential.
import { withApi } from "@/app/_server/with-api";
import { getDb } from "@/db/client";
import { lowSpaceMessage, pgliteDiskSpace } from "@/db/disk-space";
import { checkReadiness } from "@/db/readiness";
import { ensureStarted, startupStatus } from "@/lib/startup";

export const dynamic = "force-dynamic";

const headers = { "cache-control": "no-store" };
const unready = (body: Record<string, unknown>) => Response.json(body, { status: 503, headers: { ...headers, "retry-after": "5" } });

// startup "skip": readiness reports a failed start-up itself (503 with the cause) rather than withApi's error.
export const GET = withApi({ permission: "public", startup: "skip" }, async () => {
  if (startupStatus().state === "stopping") return unready({ status: "stopping", reason: "the process is shutting down" });
  try {
    await ensureStarted();
  } catch {
    const status = startupStatus();
    return unready({ status: "database unavailable", database: status.target, reason: status.cause, failedAttempts: status.failures, since: status.since });
  }
  try {
    const migrations = await checkReadiness(await getDb());
    if (!migrations.ready) return unready({ status: "migrations pending", migrations: { applied: migrations.applied, expected: migrations.expected } });
    const disk = pgliteDiskSpace();
    if (disk?.low) return unready({ status: "low disk space", reason: lowSpaceMessage(disk), freeBytes: disk.freeBytes, minimumBytes: disk.minimumBytes });
    return Response.json({ status: "ready", database: startupStatus().target, migrations: { applied: migrations.applied, expected: migrations.expected } }, { headers });
  } catch (error) {
    console.error("steward: readiness check failed", error);
    return unready({ status: "database unreachable", database: startupStatus().target, reason: (error as Error).message });
  }
});

// GET /api/ready — readiness: the database is reachable and fully migrated (503 otherwise); no authentication
import { getDb } from "@/db/client";
import { checkReadiness } from "@/db/readiness";
import { ensureStarted } from "@/lib/startup";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const headers = { "cache-control": "no-store" };
  try {
    await ensureStarted();
    const status = await checkReadiness(await getDb());
    return Response.json(
      { status: status.ready ? "ready" : "migrations pending", migrations: { applied: status.applied, expected: status.expected } },
      { status: status.ready ? 200 : 503, headers: status.ready ? headers : { ...headers, "retry-after": "5" } },
    );
  } catch (error) {
    console.error("readiness check failed", error);
    return Response.json({ status: "database unreachable" }, { status: 503, headers: { ...headers, "retry-after": "5" } });
  }
}

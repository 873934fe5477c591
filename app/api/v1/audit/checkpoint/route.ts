import { withApi } from "@/app/_server/with-api";
import { getDb } from "@/db/client";
import { exportAuditCheckpoint } from "@/lib/audit/verify-chain";

export const dynamic = "force-dynamic";

// GET /api/v1/audit/checkpoint — the verified, signed head of the audit chain, for an auditor to keep
export const GET = withApi({ permission: "audit.read" }, async () => {
  const { verdict, checkpoint } = await exportAuditCheckpoint(await getDb());
  return Response.json({ checkpoint, verdict }, { headers: { "cache-control": "no-store", "content-disposition": 'attachment; filename="steward-audit-checkpoint.json"' } });
});

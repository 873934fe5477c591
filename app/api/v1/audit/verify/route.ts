import { readJson, withApi } from "@/app/_server/with-api";
import { getDb } from "@/db/client";
import { VerifyAuditInput } from "@/lib/audit/checkpoint";
import { verifyAuditChain } from "@/lib/audit/verify-chain";

export const dynamic = "force-dynamic";

// POST /api/v1/audit/verify — verify the chain, its checkpoint file, and any checkpoints an auditor kept
export const POST = withApi({ permission: "audit.read" }, async (request) => {
  const { kept } = await readJson(request, VerifyAuditInput);
  return Response.json(await verifyAuditChain(await getDb(), { kept }), { headers: { "cache-control": "no-store" } });
});

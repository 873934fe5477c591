import { z } from "zod";
import { readJson, withApi } from "@/app/_server/with-api";
import { rotateEnforcementPointToken } from "@/lib/enforcement-points/rotate-enforcement-point-token";
import { RotateTokenBody } from "@/lib/enforcement-points/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/enforcement-points/{id}/rotate — issue a new token; the old one lives for the stated grace period
export const POST = withApi<{ id: string }>({ permission: "enforcement_points.manage" }, async (request, ctx, { id }) => {
  const body: z.infer<typeof RotateTokenBody> = request.headers.get("content-length") === "0" ? { graceHours: 24 } : await readJson(request, RotateTokenBody);
  return Response.json(await rotateEnforcementPointToken({ ctx, input: { ...body, id } }), { headers: { "cache-control": "no-store" } });
});

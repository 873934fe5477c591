import { readQuery } from "@/lib/http/query";
import { withApi } from "@/app/_server/with-api";
import { readAlignment } from "@/lib/frameworks/read-frameworks";
import { AlignmentQuery } from "@/lib/frameworks/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/frameworks/{id}/alignment — each item's status with the live evidence behind it
export const GET = withApi<{ id: string }>({ permission: "frameworks.read" }, async (request, ctx, params) => {
  const query = readQuery(request, AlignmentQuery);
  const alignment = await readAlignment({ ctx, frameworkIds: [params.id], ...query });
  return Response.json({ period: alignment.period, agentsInScope: alignment.agentsInScope, decisionsInPeriod: alignment.decisionsInPeriod, framework: alignment.frameworks[0], controls: alignment.controls });
});

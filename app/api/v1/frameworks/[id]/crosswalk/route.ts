import { withApi } from "@/app/_server/with-api";
import { searchParamsObject } from "@/app/_server/search-params";
import { readCrosswalk } from "@/lib/frameworks/read-frameworks";
import { CrosswalkQuery } from "@/lib/frameworks/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/frameworks/{id}/crosswalk — related items in other frameworks through shared controls
export const GET = withApi<{ id: string }>({ permission: "frameworks.read" }, async (request, ctx, params) => {
  const { to } = CrosswalkQuery.parse(searchParamsObject(request));
  const targets = to.split(",").map((id) => id.trim()).filter(Boolean);
  return Response.json({ frameworkId: params.id, rows: await readCrosswalk({ ctx, frameworkId: params.id, targetFrameworkIds: targets }) });
});

import { readQuery } from "@/lib/http/query";
import { withApi } from "@/app/_server/with-api";
import { readCrosswalk } from "@/lib/frameworks/read-frameworks";
import { CrosswalkQuery } from "@/lib/frameworks/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/frameworks/{id}/crosswalk — related items in other frameworks through shared controls
export const GET = withApi<{ id: string }>({ permission: "frameworks.read" }, async (request, ctx, params) => {
  const { to } = readQuery(request, CrosswalkQuery);
  const targets = to.split(",").map((id) => id.trim()).filter(Boolean);
  return Response.json({ frameworkId: params.id, rows: await readCrosswalk({ ctx, frameworkId: params.id, targetFrameworkIds: targets }) });
});

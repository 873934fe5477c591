import { withApi } from "@/app/_server/with-api";
import { readFrameworkDetail } from "@/lib/frameworks/read-frameworks";

export const dynamic = "force-dynamic";

// GET /api/v1/frameworks/{id} — one framework with its items and control mappings
export const GET = withApi<{ id: string }>({ permission: "frameworks.read" }, async (_request, ctx, params) => {
  return Response.json(await readFrameworkDetail({ ctx, frameworkId: params.id }));
});

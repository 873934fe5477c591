import { withApi } from "@/app/_server/with-api";
import { readMappingCollection } from "@/lib/frameworks/read-frameworks";

export const dynamic = "force-dynamic";

// GET /api/v1/frameworks/{id}/mapping-collection — the control mappings as an OSCAL 1.2.2 mapping collection
export const GET = withApi<{ id: string }>({ permission: "frameworks.read" }, async (_request, ctx, params) => {
  const collection = await readMappingCollection({ ctx, frameworkId: params.id });
  return new Response(JSON.stringify(collection, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="steward-mappings-${encodeURIComponent(params.id)}.oscal-mapping.json"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});

import { readQuery } from "@/lib/http/query";
import { readJson, withApi } from "@/app/_server/with-api";
import { addMapping } from "@/lib/frameworks/add-mapping";
import { readMappings } from "@/lib/frameworks/read-frameworks";
import { removeMapping } from "@/lib/frameworks/remove-mapping";
import { MappingInput, MappingListQuery, MappingRemovalQuery } from "@/lib/frameworks/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/controls/mappings — list control↔framework-item mappings
export const GET = withApi({ permission: "frameworks.read" }, async (request, ctx) => {
  const { frameworkId } = readQuery(request, MappingListQuery);
  return Response.json({ mappings: await readMappings({ ctx, frameworkId }) });
});

// POST /api/v1/controls/mappings — map a control to a framework item
export const POST = withApi({ permission: "frameworks.manage" }, async (request, ctx) => {
  const input = await readJson(request, MappingInput);
  return Response.json(await addMapping({ ctx, input }), { status: 201 });
});

// DELETE /api/v1/controls/mappings — remove a mapping named by controlId, frameworkId and itemId, with a rationale
export const DELETE = withApi({ permission: "frameworks.manage" }, async (request, ctx) => {
  const key = readQuery(request, MappingRemovalQuery);
  await removeMapping({ ctx, input: key });
  return new Response(null, { status: 204 });
});

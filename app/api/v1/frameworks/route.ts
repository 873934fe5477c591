import { readJson, withApi } from "@/app/_server/with-api";
import { importFramework } from "@/lib/frameworks/import-framework";
import { readFrameworks } from "@/lib/frameworks/read-frameworks";
import { ImportFrameworkInput } from "@/lib/frameworks/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/frameworks — list loaded frameworks
export const GET = withApi({ permission: "frameworks.read" }, async (_request, ctx) => {
  return Response.json({ frameworks: await readFrameworks({ ctx }) });
});

// POST /api/v1/frameworks — import a framework from an OSCAL catalog or Steward JSON
export const POST = withApi({ permission: "frameworks.import" }, async (request, ctx) => {
  const input = await readJson(request, ImportFrameworkInput);
  const result = await importFramework({ ctx, input });
  return Response.json(result, { status: 201 });
});

import { withApi } from "@/app/_server/with-api";
import { readControls } from "@/lib/frameworks/read-frameworks";

export const dynamic = "force-dynamic";

// GET /api/v1/controls — the control library with mappings and manual evidence
export const GET = withApi({ permission: "frameworks.read" }, async (_request, ctx) => {
  return Response.json(await readControls({ ctx }));
});

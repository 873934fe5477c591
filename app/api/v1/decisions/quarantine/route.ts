import { readQuery } from "@/lib/http/query";
import { z } from "zod";
import { withApi } from "@/app/_server/with-api";
import { listQuarantinedItems, QuarantineQuery } from "@/lib/decisions/explore-decisions";

export const dynamic = "force-dynamic";

// GET /api/v1/decisions/quarantine — quarantined items with reason and raw item; ?format=ndjson downloads them
export const GET = withApi({ permission: "decisions.read" }, async (request, ctx) => {
  const { format, ...query } = readQuery(request, QuarantineQuery.extend({ format: z.enum(["json", "ndjson"]).default("json") }));
  const items = await listQuarantinedItems({ ctx, query });
  if (format !== "ndjson") return Response.json({ items });
  const body = items.map((item) => JSON.stringify(item)).join("\n") + (items.length ? "\n" : "");
  return new Response(body, { headers: { "content-type": "application/x-ndjson", "content-disposition": `attachment; filename="steward-quarantine.ndjson"`, "cache-control": "no-store" } });
});

import { answerApi, publicOrigin } from "@/app/_server/approvals-http";
import { readJson, withApi } from "@/app/_server/with-api";
import { decideAccessRequest, DecideInput } from "@/lib/approvals/access-requests";
import { getInboxItem } from "@/lib/approvals/inbox";

export const dynamic = "force-dynamic";

// POST /api/v1/approvals/{id}/deny — deny an access request (comment optional); audited
export const POST = withApi<{ id: string }>({ permission: "approvals.decide" }, async (request, ctx, { id }) =>
  answerApi(async () => {
    const hasBody = Number(request.headers.get("content-length") ?? "0") > 0 || request.headers.has("content-type");
    const input = hasBody ? await readJson(request, DecideInput) : {};
    await decideAccessRequest({ ctx, id, decision: "deny", input, origin: publicOrigin(request) });
    return Response.json(await getInboxItem({ ctx, id }), { headers: { "cache-control": "no-store" } });
  }),
);

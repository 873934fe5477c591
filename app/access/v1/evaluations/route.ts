import { publicOrigin } from "@/app/_server/approvals-http";
import { answerAuthzen, readAuthzenBody } from "@/app/_server/authzen-http";
import { withApi } from "@/app/_server/with-api";
import { evaluateAccessBatch } from "@/lib/policies/authzen";

export const dynamic = "force-dynamic";

// POST /access/v1/evaluations — OpenID AuthZEN 1.0 access evaluations (boxcarred, with evaluations_semantic)
export const POST = withApi({ permission: "policies.evaluate" }, async (request, ctx) => answerAuthzen(async () => evaluateAccessBatch({ ctx, body: await readAuthzenBody(request), origin: publicOrigin(request).base })));

import { publicOrigin } from "@/app/_server/approvals-http";
import { answerAuthzen, readAuthzenBody } from "@/app/_server/authzen-http";
import { withApi } from "@/app/_server/with-api";
import { evaluateAccess } from "@/lib/policies/authzen";

export const dynamic = "force-dynamic";

// POST /access/v1/evaluation — OpenID AuthZEN 1.0 access evaluation against the published Cedar policies
export const POST = withApi({ permission: "policies.evaluate" }, async (request, ctx) => answerAuthzen(async () => evaluateAccess({ ctx, body: await readAuthzenBody(request), origin: publicOrigin(request).base })));

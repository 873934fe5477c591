import { answerProblem, publicOrigin } from "@/app/_server/approvals-http";
import { readAuthzenBody } from "@/app/_server/authzen-http";
import { withApi } from "@/app/_server/with-api";
import { AccessRequestProblem, submitAccessRequest } from "@/lib/approvals/access-requests";
import { StewardError } from "@/lib/errors";

export const dynamic = "force-dynamic";

// POST /access/v1/requests — AuthZEN Access Request and Approval Profile: submit an access request for a requestable denial
export const POST = withApi({ permission: "approvals.request" }, async (request, ctx) =>
  answerProblem(async () => {
    let body: unknown;
    try {
      body = await readAuthzenBody(request);
    } catch (error) {
      if (error instanceof StewardError) throw new AccessRequestProblem("invalid_request", 400, "Invalid access request", error.message);
      throw error;
    }
    const { handle, created } = await submitAccessRequest({ ctx, body, idempotencyKey: request.headers.get("idempotency-key"), origin: publicOrigin(request) });
    return Response.json(handle, { status: created ? 202 : 200, headers: { location: handle.task.status_endpoint, "cache-control": "no-store" } });
  }),
);

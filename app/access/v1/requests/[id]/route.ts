import { answerProblem, publicOrigin } from "@/app/_server/approvals-http";
import { withApi } from "@/app/_server/with-api";
import { getTaskStatus, MAX_WAIT_SECONDS } from "@/lib/approvals/access-requests";

export const dynamic = "force-dynamic";

// GET /access/v1/requests/{id}?wait=<seconds ≤ 30> — task status; with wait, a long-poll that returns on the first change
export const GET = withApi<{ id: string }>({ permission: "approvals.request" }, async (request, ctx, { id }) =>
  answerProblem(async () => {
    const wait = Number(new URL(request.url).searchParams.get("wait") ?? 0);
    const { handle, retryAfter } = await getTaskStatus({ ctx, id, waitSeconds: Number.isFinite(wait) ? Math.min(MAX_WAIT_SECONDS, Math.max(0, wait)) : 0, origin: publicOrigin(request), signal: request.signal });
    return Response.json(handle, { headers: { "cache-control": "no-store", ...(retryAfter ? { "retry-after": String(retryAfter) } : {}) } });
  }),
);

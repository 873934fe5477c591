import { answerProblem, publicOrigin } from "@/app/_server/approvals-http";
import { z } from "zod";
import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { getTaskStatus, MAX_WAIT_SECONDS } from "@/lib/approvals/access-requests";

export const dynamic = "force-dynamic";

const StatusQuery = z.object({ wait: z.coerce.number().min(0).max(MAX_WAIT_SECONDS, `wait is at most ${MAX_WAIT_SECONDS} seconds`).optional() });

// GET /access/v1/requests/{id}?wait=<seconds ≤ 30> — task status; with wait, a long-poll that returns on the first change
export const GET = withApi<{ id: string }>({ permission: "approvals.request" }, async (request, ctx, { id }) =>
  answerProblem(async () => {
    const { wait } = readQuery(request, StatusQuery);
    const { handle, retryAfter } = await getTaskStatus({ ctx, id, waitSeconds: wait ?? 0, origin: publicOrigin(request), signal: request.signal });
    return Response.json(handle, { headers: { "cache-control": "no-store", ...(retryAfter ? { "retry-after": String(retryAfter) } : {}) } });
  }),
);

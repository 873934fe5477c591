import { withApi } from "@/app/_server/with-api";
import { endTask } from "@/lib/identity/revocation";

export const dynamic = "force-dynamic";

// POST /api/v1/tasks/{id}/end — a person ends the task: every token of it is revoked and the feed says so
export const POST = withApi<{ id: string }>({ permission: "tasks.end" }, async (_request, ctx, { id }) => {
  const result = await endTask({ ctx, input: { taskId: id } });
  return Response.json({ taskId: id, status: result.task.status, revokedTokens: result.revokedTokens });
});

import { withApi } from "@/app/_server/with-api";
import { getTask } from "@/lib/identity/tasks-view";

export const dynamic = "force-dynamic";

// GET /api/v1/tasks/{id} — the task, its delegation tree (each hop's scope), tokens, secret releases and decisions
export const GET = withApi<{ id: string }>({ permission: "identity.read" }, async (_request, ctx, { id }) => Response.json(await getTask({ ctx, taskId: id })));

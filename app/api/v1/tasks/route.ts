import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { ListTasksQuery, listTasks } from "@/lib/identity/tasks-view";

export const dynamic = "force-dynamic";

// GET /api/v1/tasks?status=live|ended|all&agentId=&limit= — tasks, newest first
export const GET = withApi({ permission: "identity.read" }, async (request, ctx) => Response.json({ tasks: await listTasks({ ctx, query: readQuery(request, ListTasksQuery) }) }));

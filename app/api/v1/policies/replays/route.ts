import { readJson, withApi } from "@/app/_server/with-api";
import { runReplay, startReplay } from "@/lib/policies/replay";
import { StartReplayInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/replays — replay the draft against recorded decisions (runs in the background; poll the job)
export const POST = withApi({ permission: "policies.write" }, async (request, ctx) => {
  const input = await readJson(request, StartReplayInput);
  const job = await startReplay({ ctx, input });
  void runReplay(job.id);
  return Response.json(job, { status: 202 });
});

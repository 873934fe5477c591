import { withApi } from "@/app/_server/with-api";
import { listPolicyVersions } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/versions — published versions, newest first
export const GET = withApi({ permission: "policies.read" }, async (_request, ctx) => Response.json({ versions: await listPolicyVersions({ ctx }) }));

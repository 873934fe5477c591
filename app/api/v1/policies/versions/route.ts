import { withApi } from "@/app/_server/with-api";
import { readQuery } from "@/lib/http/query";
import { ListPolicyVersionsQuery } from "@/lib/policies/schemas";
import { listPolicyVersions } from "@/lib/policies/versions";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/versions?sort= — published versions, newest first unless sorted otherwise
export const GET = withApi({ permission: "policies.read" }, async (request, ctx) => Response.json({ versions: await listPolicyVersions({ ctx, sort: readQuery(request, ListPolicyVersionsQuery).sort }) }));

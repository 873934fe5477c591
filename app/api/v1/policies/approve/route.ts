import { withApi } from "@/app/_server/with-api";
import { approveDraft } from "@/lib/policies/publish";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/approve — approve the current draft (four-eyes; not by one of its authors)
export const POST = withApi({ permission: "policies.approve" }, async (_request, ctx) => Response.json(await approveDraft({ ctx })));

import { withApi } from "@/app/_server/with-api";
import { getPolicyStats } from "@/lib/policies/stats";

export const dynamic = "force-dynamic";

// GET /api/v1/policies/stats — per published policy: decisions determined in 7/30 days, never-matching and shadowed flags
export const GET = withApi({ permission: "policies.read" }, async (_request, ctx) => Response.json(await getPolicyStats({ ctx })));

import { withApi } from "@/app/_server/with-api";
import { resumeDestination } from "@/lib/outbound/destinations";

export const dynamic = "force-dynamic";

// POST /api/v1/destinations/{id}/resume — lift a pause; the refused batch is sent again first
export const POST = withApi<{ id: string }>({ permission: "outbound.manage" }, async (_request, ctx, { id }) => Response.json(await resumeDestination({ ctx, id })));

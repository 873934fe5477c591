import { withApi } from "@/app/_server/with-api";
import { testDestination } from "@/lib/outbound/destinations";

export const dynamic = "force-dynamic";

// POST /api/v1/destinations/{id}/test — send one steward.test event now and report the receiver's answer
export const POST = withApi<{ id: string }>({ permission: "outbound.manage" }, async (_request, ctx, { id }) => Response.json(await testDestination({ ctx, id })));

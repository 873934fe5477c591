import { withApi } from "@/app/_server/with-api";
import { listDestinationDeliveries } from "@/lib/outbound/destinations";
import { DeliveryListQuery } from "@/lib/outbound/schemas";
import { readQuery } from "@/lib/http/query";

export const dynamic = "force-dynamic";

// GET /api/v1/destinations/{id}/deliveries — the delivery log, newest first
export const GET = withApi<{ id: string }>({ permission: "outbound.read" }, async (request, ctx, { id }) => {
  const { limit } = readQuery(request, DeliveryListQuery);
  return Response.json({ deliveries: await listDestinationDeliveries({ ctx, id, limit }) });
});

import { readJson, withApi } from "@/app/_server/with-api";
import { deleteDestination, getDestination, updateDestination } from "@/lib/outbound/destinations";
import { UpdateDestinationInput } from "@/lib/outbound/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/destinations/{id} — one destination with its health
export const GET = withApi<{ id: string }>({ permission: "outbound.read" }, async (_request, ctx, { id }) => Response.json(await getDestination({ ctx, id })));

// PATCH /api/v1/destinations/{id} — change only the fields named
export const PATCH = withApi<{ id: string }>({ permission: "outbound.manage" }, async (request, ctx, { id }) => {
  const input = await readJson(request, UpdateDestinationInput);
  return Response.json(await updateDestination({ ctx, id, input }));
});

// DELETE /api/v1/destinations/{id} — stop sending and forget the destination
export const DELETE = withApi<{ id: string }>({ permission: "outbound.manage" }, async (_request, ctx, { id }) => {
  await deleteDestination({ ctx, id });
  return new Response(null, { status: 204 });
});

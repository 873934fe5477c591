import { readJson, withApi } from "@/app/_server/with-api";
import { createDestination, listDestinations } from "@/lib/outbound/destinations";
import { CreateDestinationInput } from "@/lib/outbound/schemas";

export const dynamic = "force-dynamic";

// GET /api/v1/destinations — outbound destinations with health and backlog (never their secrets)
export const GET = withApi({ permission: "outbound.read" }, async (_request, ctx) => Response.json({ destinations: await listDestinations({ ctx }) }));

// POST /api/v1/destinations — register one; a webhook's signing secret is in this response only
export const POST = withApi({ permission: "outbound.manage" }, async (request, ctx) => {
  const input = await readJson(request, CreateDestinationInput);
  return Response.json(await createDestination({ ctx, input }), { status: 201, headers: { "cache-control": "no-store" } });
});

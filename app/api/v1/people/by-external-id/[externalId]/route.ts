import { readJson, withApi } from "@/app/_server/with-api";
import { upsertPersonByExternalId } from "@/lib/people/people";
import { UpsertPersonBody } from "@/lib/people/schemas";

// PUT /api/v1/people/by-external-id/{externalId} — idempotent upsert for directory sync
export const PUT = withApi<{ externalId: string }>({ permission: "agents.write" }, async (request, ctx, { externalId }) => {
  const person = await readJson(request, UpsertPersonBody);
  const result = await upsertPersonByExternalId({ ctx, input: { externalId, person } });
  return Response.json(result.person, { status: result.created ? 201 : 200 });
});

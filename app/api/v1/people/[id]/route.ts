import { readJson, withApi } from "@/app/_server/with-api";
import { getPerson, updatePerson } from "@/lib/people/people";
import { UpdatePersonBody } from "@/lib/people/schemas";

type Params = { id: string };

// GET /api/v1/people/{id} — one person
export const GET = withApi<Params>({ permission: "agents.read" }, async (_request, ctx, { id }) => Response.json(await getPerson({ ctx, input: { personId: id } })));

// PATCH /api/v1/people/{id} — change a person; active=false offboards them
export const PATCH = withApi<Params>({ permission: "agents.write" }, async (request, ctx, { id }) => {
  const changes = await readJson(request, UpdatePersonBody);
  return Response.json(await updatePerson({ ctx, input: { personId: id, changes } }));
});

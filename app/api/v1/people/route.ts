import { readQuery } from "@/lib/http/query";
import { readJson, withApi } from "@/app/_server/with-api";
import { createPerson, listPeople } from "@/lib/people/people";
import { CreatePersonInput, ListPeopleQuery } from "@/lib/people/schemas";

// GET /api/v1/people — list people (search, team, active; offset pagination)
export const GET = withApi({ permission: "agents.read" }, async (request, ctx) => Response.json(await listPeople({ ctx, input: readQuery(request, ListPeopleQuery) })));

// POST /api/v1/people — add a person
export const POST = withApi({ permission: "agents.write" }, async (request, ctx) => {
  const input = await readJson(request, CreatePersonInput);
  return Response.json(await createPerson({ ctx, input }), { status: 201 });
});

import { readJson, withApi } from "@/app/_server/with-api";
import { createUser } from "@/lib/users/create-user";
import { listUsers, ListUsersQuery } from "@/lib/users/list-users";
import { readQuery } from "@/lib/http/query";
import { CreateUserInput } from "@/lib/users/schemas";

// GET /api/v1/users — list console users (admin)
export const GET = withApi({ permission: "users.read" }, async (request, ctx) => Response.json({ users: await listUsers({ ctx, sort: readQuery(request, ListUsersQuery).sort }) }));

// POST /api/v1/users — create a console user with an initial password (admin)
export const POST = withApi({ permission: "users.manage" }, async (request, ctx) => {
  const input = await readJson(request, CreateUserInput);
  return Response.json({ user: await createUser({ ctx, input }) }, { status: 201 });
});

import { readJson, withApi } from "@/app/_server/with-api";
import { getDb } from "@/db/client";
import { getUserOrThrow } from "@/db/users";
import { PatchUserInput, patchUser } from "@/lib/users/update-user-status";
import { toUserView } from "@/lib/users/user-view";

// GET /api/v1/users/{id} — one console user (admin)
export const GET = withApi<{ id: string }>({ permission: "users.read" }, async (_request, _ctx, { id }) =>
  Response.json({ user: toUserView(await getUserOrThrow(await getDb(), id)) }),
);

// PATCH /api/v1/users/{id} — change role and/or deactivate/reactivate (admin)
export const PATCH = withApi<{ id: string }>({ permission: "users.manage" }, async (request, ctx, { id }) => {
  const input = await readJson(request, PatchUserInput);
  return Response.json({ user: await patchUser({ ctx, userId: id, input }) });
});

import { withApi } from "@/app/_server/with-api";
import { deleteSecret } from "@/lib/identity/secret-store";

export const dynamic = "force-dynamic";

// DELETE /api/v1/secrets/{id} — delete a secret
export const DELETE = withApi<{ id: string }>({ permission: "secrets.manage" }, async (_request, ctx, { id }) => {
  await deleteSecret({ ctx, input: { id } });
  return new Response(null, { status: 204 });
});

import { withApi } from "@/app/_server/with-api";
import { deleteTrustDomain } from "@/lib/identity/trust-domains";

export const dynamic = "force-dynamic";

// DELETE /api/v1/trust-domains/{id} — stop trusting the domain's SVIDs
export const DELETE = withApi<{ id: string }>({ permission: "identity.manage" }, async (_request, ctx, { id }) => {
  await deleteTrustDomain({ ctx, input: { id } });
  return new Response(null, { status: 204 });
});

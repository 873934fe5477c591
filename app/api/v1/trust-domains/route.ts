import { readJson, withApi } from "@/app/_server/with-api";
import { createTrustDomain, listTrustDomains, TrustDomainInput } from "@/lib/identity/trust-domains";

export const dynamic = "force-dynamic";

// GET /api/v1/trust-domains — registered SPIFFE trust domains (key ids, source, last fetch)
export const GET = withApi({ permission: "identity.read" }, async (_request, ctx) => Response.json({ trustDomains: await listTrustDomains({ ctx }) }));

// POST /api/v1/trust-domains — register one: an uploaded JWKS, or a SPIRE bundle endpoint / OIDC issuer fetched now
export const POST = withApi({ permission: "identity.manage" }, async (request, ctx) => {
  const input = await readJson(request, TrustDomainInput);
  return Response.json(await createTrustDomain({ ctx, input }), { status: 201 });
});

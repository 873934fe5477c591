import { withApi } from "@/app/_server/with-api";
import { trustBundlesAnswer } from "@/lib/identity/gateway-trust";

export const dynamic = "force-dynamic";

// GET /api/v1/gateway/trust-bundles — SPIFFE trust bundles and registered SPIFFE IDs, as an MCP gateway pulls them (EP token); ETag / If-None-Match → 304
export const GET = withApi({ permission: "gateway.sync" }, async (request, ctx) => {
  const answer = await trustBundlesAnswer({ ctx, ifNoneMatch: request.headers.get("if-none-match") });
  const headers = { etag: answer.etag, "cache-control": "no-store" };
  if (answer.status === 304) return new Response(null, { status: 304, headers });
  return new Response(answer.body, { status: 200, headers: { ...headers, "content-type": "application/json" } });
});

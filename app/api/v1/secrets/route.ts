import { readJson, withApi } from "@/app/_server/with-api";
import { listSecrets, saveSecret, SecretInput } from "@/lib/identity/secret-store";

export const dynamic = "force-dynamic";

// GET /api/v1/secrets — the secret store's entries (never their values)
export const GET = withApi({ permission: "identity.read" }, async (_request, ctx) => Response.json({ secrets: await listSecrets({ ctx }) }));

// POST /api/v1/secrets — store a secret (or replace the value of one with the same name); the value is never shown again
export const POST = withApi({ permission: "secrets.manage" }, async (request, ctx) => {
  const input = await readJson(request, SecretInput);
  return Response.json(await saveSecret({ ctx, input }), { status: 201, headers: { "cache-control": "no-store" } });
});

import { readJson, withApi } from "@/app/_server/with-api";
import { CreateApiTokenInput, createApiToken, listOwnApiTokens } from "@/lib/api-tokens/api-tokens";
import { requireBrowserSession } from "@/lib/auth/require-session";

// GET /api/v1/tokens — the caller's own personal API tokens (never their secrets)
export const GET = withApi({ permission: "tokens.manage_own" }, async (_request, ctx) => Response.json({ tokens: await listOwnApiTokens({ ctx }) }));

// POST /api/v1/tokens — create a personal API token; the secret is in this response only
export const POST = withApi({ permission: "tokens.manage_own" }, async (request, ctx) => {
  // createApiToken holds the rule (a token never mints a token); checked here too so a token gets 403 before its body is read.
  requireBrowserSession(ctx.actor, "Creating a personal API token");
  const input = await readJson(request, CreateApiTokenInput);
  const { token, plaintext } = await createApiToken({ ctx, input });
  return Response.json({ token, secret: plaintext }, { status: 201, headers: { "cache-control": "no-store" } });
});

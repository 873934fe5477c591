import { readJson, withApi } from "@/app/_server/with-api";
import { CreateApiTokenInput, createApiToken, listOwnApiTokens } from "@/lib/api-tokens/api-tokens";
import { StewardError } from "@/lib/errors";

// GET /api/v1/tokens — the caller's own personal API tokens (never their secrets)
export const GET = withApi({ permission: "tokens.manage_own" }, async (_request, ctx) => Response.json({ tokens: await listOwnApiTokens({ ctx }) }));

// POST /api/v1/tokens — create a personal API token; the secret is in this response only
export const POST = withApi({ permission: "tokens.manage_own" }, async (request, ctx) => {
  // A leaked token must not be able to mint more tokens: creation needs a signed-in session.
  if (ctx.actor.type !== "user" || ctx.actor.via !== "session") {
    throw new StewardError("forbidden", "Create personal API tokens from a signed-in session, not with another token");
  }
  const input = await readJson(request, CreateApiTokenInput);
  const { token, plaintext } = await createApiToken({ ctx, input });
  return Response.json({ token, secret: plaintext }, { status: 201, headers: { "cache-control": "no-store" } });
});

import { withApi } from "@/app/_server/with-api";
import { revokeApiToken } from "@/lib/api-tokens/api-tokens";

// DELETE /api/v1/tokens/{id} — revoke one of the caller's own tokens; effective at once
export const DELETE = withApi<{ id: string }>({ permission: "tokens.manage_own" }, async (_request, ctx, { id }) =>
  Response.json({ token: await revokeApiToken({ ctx, input: { tokenId: id } }) }),
);

// POST /oauth/end-task — an agent ends its task (every token of it is revoked) by presenting one
// of the task's live tokens as `token`. Possession of a live token of the task is the authority.
import { oauthErrorResponse, readForm, requestIssuer, tokenJson } from "@/app/_server/oauth-http";
import { withApi } from "@/app/_server/with-api";
import { decodeJwt } from "jose";
import { StewardError } from "@/lib/errors";
import { IdentityError } from "@/lib/identity/identity-error";
import { endTaskWithToken } from "@/lib/identity/revocation";

export const dynamic = "force-dynamic";

export const POST = withApi({ permission: "public", errorResponse: oauthErrorResponse }, async (request, { requestId }) => {
  const form = await readForm(request);
  const token = form.get("token");
  if (!token) throw new IdentityError("invalid_request", "token is required");
  let taskId: unknown;
  try {
    taskId = decodeJwt(token).task_id;
  } catch {
    throw new IdentityError("invalid_request", "token is not a task token");
  }
  if (typeof taskId !== "string") throw new IdentityError("invalid_request", "token is not a task token");
  try {
    const result = await endTaskWithToken({ token, issuer: requestIssuer(request), taskId, requestId });
    return tokenJson({ taskId, status: result.task.status, revokedTokens: result.revokedTokens });
  } catch (error) {
    if (error instanceof StewardError && (error.code === "unauthenticated" || error.code === "forbidden")) throw new IdentityError("invalid_request", error.message);
    throw error;
  }
});

import { AccessRequestProblem, type Origin } from "@/lib/approvals/access-requests";
import { getConfig } from "@/lib/config";
import type { ErrorCode } from "@/lib/errors";
import { errorResponse } from "./with-api";

/** The console's public origin for links it hands out: AUTH_URL, else the request's own origin. */
export function publicOrigin(request: Request): Origin {
  return { base: getConfig().publicUrl ?? new URL(request.url).origin };
}

/** The access request endpoints answer the profile's application/problem+json errors. */
export async function answerProblem(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AccessRequestProblem) return error.toResponse();
    throw error;
  }
}

const CODES: Record<AccessRequestProblem["type"], ErrorCode> = {
  not_requestable: "invalid_input",
  expired_denial: "precondition_failed",
  invalid_denial_binding: "invalid_input",
  duplicate_request: "conflict",
  unknown_task: "not_found",
  task_expired: "conflict",
  invalid_task_state: "conflict",
  invalid_request: "invalid_input",
  forbidden: "forbidden",
};

/** The console API (/api/v1/approvals…) keeps Steward's own error shape. */
export async function answerApi(run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AccessRequestProblem) return errorResponse(CODES[error.type], error.status, error.detail);
    throw error;
  }
}

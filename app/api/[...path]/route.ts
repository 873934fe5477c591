// Any /api path no route serves — an unknown path, or a collection's parent such as /api/v1/audit — answers
// in the API's own JSON error shape (404 not_found) for every method, not with the console's HTML page.
// Next.js matches every specific route first; this catch-all gets only what none of them serves.
import { withApi } from "@/app/_server/with-api";
import { StewardError } from "@/lib/errors";

export const dynamic = "force-dynamic";

function noRoute(request: Request): never {
  throw new StewardError("not_found", `No API route at ${new URL(request.url).pathname}; the API's paths are in GET /api/v1/openapi.json`);
}

export const GET = withApi({ permission: "public", startup: "skip" }, noRoute);
export const POST = withApi({ permission: "public", startup: "skip" }, noRoute);
export const PUT = withApi({ permission: "public", startup: "skip" }, noRoute);
export const PATCH = withApi({ permission: "public", startup: "skip" }, noRoute);
export const DELETE = withApi({ permission: "public", startup: "skip" }, noRoute);

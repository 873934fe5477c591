// GET /api/v1/openapi.json — the API description, generated from the zod schemas; public like any API doc
import { withApi } from "@/app/_server/with-api";
import { buildOpenApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-dynamic";

export const GET = withApi({ permission: "public", startup: "skip" }, (request) => Response.json(buildOpenApiDocument(new URL(request.url).origin), { headers: { "cache-control": "no-store" } }));

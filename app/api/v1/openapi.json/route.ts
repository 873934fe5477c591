// GET /api/v1/openapi.json — the API description, generated from the zod schemas; public like any API doc
import { buildOpenApiDocument } from "@/lib/openapi/document";

export const dynamic = "force-dynamic";

export function GET(request: Request): Response {
  return Response.json(buildOpenApiDocument(new URL(request.url).origin), { headers: { "cache-control": "no-store" } });
}

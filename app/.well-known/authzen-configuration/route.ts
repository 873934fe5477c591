// GET /.well-known/authzen-configuration — AuthZEN PDP metadata; public, like any discovery document
import { authzenConfiguration } from "@/lib/policies/authzen";

export const dynamic = "force-dynamic";

export function GET(request: Request): Response {
  return Response.json(authzenConfiguration(new URL(request.url).origin), { headers: { "cache-control": "no-store" } });
}

// GET /.well-known/authzen-configuration — AuthZEN PDP metadata; public, like any discovery document
import { withApi } from "@/app/_server/with-api";
import { authzenConfiguration } from "@/lib/policies/authzen";

export const dynamic = "force-dynamic";

export const GET = withApi({ permission: "public", startup: "skip" }, (request) => Response.json(authzenConfiguration(new URL(request.url).origin), { headers: { "cache-control": "no-store" } }));

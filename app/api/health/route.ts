// GET /api/health — liveness: the process answers; no authentication, touches nothing (not even the database)
import { withApi } from "@/app/_server/with-api";

export const dynamic = "force-dynamic";

export const GET = withApi({ permission: "public", startup: "skip" }, () => Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } }));

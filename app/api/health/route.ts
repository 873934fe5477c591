// GET /api/health — liveness: the process answers; no authentication, touches nothing
export const dynamic = "force-dynamic";

export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}

import { z } from "zod";
import { readQuery } from "@/lib/http/query";
import { withApi } from "@/app/_server/with-api";
import { reresolveActor } from "@/app/_server/actor";
import { hasPermission } from "@/lib/auth/require-permission";
import { getConfig } from "@/lib/config";
import { DecisionFilter } from "@/lib/decisions/filters";
import { openDecisionStream, resumePoint } from "@/lib/decisions/live-stream";

export const dynamic = "force-dynamic";

/** The explorer's filter, plus `after` (the last event id seen, for clients that cannot send Last-Event-ID). */
const StreamQuery = DecisionFilter.extend({ after: z.string().max(200).optional() });

// GET /api/v1/decisions/stream — live feed of committed decisions as server-sent events.
// The actor is re-checked every heartbeat (deactivated user, revoked token, lost permission → the
// stream ends); streams per actor and their lifetime are capped (429 / `end` event, then reconnect).
export const GET = withApi({ permission: "decisions.read" }, async (request, { actor }) => {
  const { after, ...filter } = readQuery(request, StreamQuery);
  const limits = getConfig().lifecycle;
  const body = await openDecisionStream(filter, {
    signal: request.signal,
    actorKey: actor.type === "user" ? `user:${actor.userId}` : actor.type === "enforcement_point" ? `ep:${actor.enforcementPointId}` : "system",
    maxPerActor: limits.feedMaxStreamsPerActor,
    maxLifetimeMs: limits.feedMaxStreamMs,
    stillAllowed: async () => hasPermission(await reresolveActor(actor, request.headers), "decisions.read"),
    resumeAfter: resumePoint(request.headers.get("last-event-id"), after ?? null),
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" } });
});

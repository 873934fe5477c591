import { getDb } from "@/db/client";
import { getEnforcementPointOrThrow } from "@/db/enforcement-points";
import type { Ctx } from "../context";
import { OpaMapping } from "../enforcement-points/schemas";
import { StewardError } from "../errors";
import { handleIngestRequest, type IngestResponse } from "./ingest-request";
import { opaEventToDecision } from "./opa-events";

/** An OPA decision-log upload: events mapped with the EP's mapping, then ingested like native decisions. */
export async function handleOpaLogRequest(request: Request, ctx: Ctx): Promise<IngestResponse> {
  if (ctx.actor.type !== "enforcement_point") throw new StewardError("forbidden", "Only an enforcement point's token may upload decision logs");
  const ep = await getEnforcementPointOrThrow(await getDb(), ctx.actor.enforcementPointId);
  const mapping = OpaMapping.parse(ep.opaMapping ?? {});
  return handleIngestRequest(request, ctx, {
    allowNdjson: false,
    alwaysAcceptBatch: true,
    toItems: async (items) => items.map((item) => (item.parseError !== undefined ? item : opaEventToDecision(item.value, mapping))),
  });
}

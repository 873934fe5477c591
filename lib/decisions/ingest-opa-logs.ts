import { getDb } from "@/db/client";
import { getEnforcementPointOrThrow } from "@/db/enforcement-points";
import type { Ctx } from "../context";
import { OpaMapping } from "../enforcement-points/schemas";
import { StewardError } from "../errors";
import { handleIngestRequest, type IngestResponse } from "./ingest-request";
import { opaEventToDecision } from "./opa-events";
import { INGEST_LIMITS, type IngestLimits } from "./read-ingest-body";

/** gzip's largest inflation ratio (deflate's maximum is 1032:1): what a compressed chunk can grow to. */
export const GZIP_MAX_RATIO = 1032;

/**
 * Limits on a whole OPA chunk, chosen so OPA cannot exceed them with its documented settings:
 * OPA cuts chunks at `decision_logs.reporting.upload_size_limit_bytes` of *compressed* bytes
 * (default 32768), so a chunk up to 64 KiB on the wire is accepted however far it inflates
 * (64 KiB × 1032 ≈ 66 MB), with as many events as fit (OPA's smallest event is 69 bytes). Per-event
 * limits (nesting depth, text, size of context) quarantine the event, never the chunk. Nesting is
 * checked per event (64 levels) in opaEventToDecision; the reader's whole-body bound is only the
 * recursion guard. docs/ingest.md says which OPA settings fit.
 */
export const OPA_CHUNK_LIMITS: IngestLimits = {
  ...INGEST_LIMITS,
  maxWireBytes: 64 * 1024,
  maxInflatedBytes: 64 * 1024 * GZIP_MAX_RATIO,
  maxItems: Math.ceil((64 * 1024 * GZIP_MAX_RATIO) / 69),
  maxDepth: 1000,
};

/** An OPA decision-log upload: events mapped with the EP's mapping, then ingested like native decisions. */
export async function handleOpaLogRequest(request: Request, ctx: Ctx): Promise<IngestResponse> {
  if (ctx.actor.type !== "enforcement_point") throw new StewardError("forbidden", "Only an enforcement point's token may upload decision logs");
  const ep = await getEnforcementPointOrThrow(await getDb(), ctx.actor.enforcementPointId);
  const mapping = OpaMapping.parse(ep.opaMapping ?? {});
  return handleIngestRequest(request, ctx, {
    limits: OPA_CHUNK_LIMITS,
    allowNdjson: false,
    alwaysAcceptBatch: true,
    toItems: async (items) => items.map((item, index) => (item.parseError !== undefined ? item : opaEventToDecision(item.value, mapping, index))),
  });
}

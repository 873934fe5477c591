import type { Ctx } from "../context";
import { StewardError } from "../errors";
import { tapBody } from "./body-copy";
import { ingestDecisions, recordRejectedBatch } from "./ingest-decisions";
import type { IngestItem } from "./ingest-item";
import { INGEST_LIMITS, readIngestBody, type IngestLimits, type RawItem } from "./read-ingest-body";
import type { IngestResult } from "./schemas";

export type IngestResponse = { status: number; body: IngestResult | (IngestResult & { error: { code: string; message: string; path: string } }) };

/**
 * One ingest request, from body to status: the native route and the OPA route share it. A request
 * refused whole (size, encoding, syntax, shape) throws a StewardError and is noted on the EP with
 * a bounded copy of what was sent (first 64 KiB, inflated, in quarantine); a batch whose every
 * item was quarantined answers 422 naming the first problem (the items are kept in quarantine),
 * except for OPA, which retries a whole chunk on any non-2xx: there the batch is always acknowledged.
 */
export async function handleIngestRequest(
  request: Request,
  ctx: Ctx,
  options: { limits?: IngestLimits; allowNdjson?: boolean; toItems?: (items: RawItem[]) => Promise<IngestItem[]>; alwaysAcceptBatch?: boolean } = {},
): Promise<IngestResponse> {
  let items: IngestItem[];
  const tap = tapBody(request);
  try {
    items = await readIngestBody(tap.request, options.limits ?? INGEST_LIMITS, { allowNdjson: options.allowNdjson });
    if (options.toItems) items = await options.toItems(items);
  } catch (error) {
    if (error instanceof StewardError && ctx.actor.type === "enforcement_point") await recordRejectedBatch(ctx.actor.enforcementPointId, `${error.status}: ${error.message}`, await tap.copy());
    throw error;
  }
  const result = await ingestDecisions({ ctx, input: items });
  const first = result.quarantined[0];
  if (result.accepted === 0 && result.duplicates === 0 && first && !options.alwaysAcceptBatch) {
    return { status: 422, body: { error: { code: "invalid_input", message: `No decision was recorded: ${first.path}: ${first.message}`, path: first.path }, ...result } };
  }
  return { status: 200, body: result };
}

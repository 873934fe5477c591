import type { Ctx } from "../context";
import { StewardError } from "../errors";
import { tapBody } from "./body-copy";
import { contextForgeEventToDecision } from "./contextforge-events";
import { ingestDecisions, recordRejectedBatch } from "./ingest-decisions";
import { readBoundedBody } from "./read-bounded-body";
import type { IngestResult } from "./schemas";

/**
 * POST /api/v1/events/contextforge: one ContextForge webhook event (one JSON object) per request,
 * the EP token as the webhook's bearer authentication. The event is committed, or quarantined with
 * the reason, before the 200 (ContextForge retries non-2xx and then drops the event, so a bad
 * event is kept in quarantine and acknowledged rather than retried into oblivion). A body that is
 * not JSON is refused whole (400) with a bounded copy kept.
 */
export async function handleContextForgeEvent(request: Request, ctx: Ctx): Promise<IngestResult> {
  if (ctx.actor.type !== "enforcement_point") throw new StewardError("forbidden", "Only an enforcement point's token may send events");
  const tap = tapBody(request);
  let value: unknown;
  let text = "";
  try {
    if (!/^application\/([\w.+-]+\+)?json\b/i.test(request.headers.get("content-type") ?? "")) throw new StewardError("unsupported_media_type", "Send Content-Type: application/json");
    const bytes = await readBoundedBody(tap.request);
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      value = JSON.parse(text);
    } catch (error) {
      throw new StewardError("bad_request", `The body is not valid UTF-8 JSON: ${(error as Error).message}`);
    }
  } catch (error) {
    if (error instanceof StewardError) await recordRejectedBatch(ctx.actor.enforcementPointId, `${error.status}: ${error.message}`, await tap.copy());
    throw error;
  }
  return ingestDecisions({ ctx, input: [contextForgeEventToDecision(value, text)] });
}

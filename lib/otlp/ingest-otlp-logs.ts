import { getDb } from "@/db/client";
import { countSkippedRecords, getEnforcementPointOrThrow } from "@/db/enforcement-points";
import type { Ctx } from "../context";
import { OpaMapping } from "../enforcement-points/schemas";
import { StewardError } from "../errors";
import { tapBody } from "../decisions/body-copy";
import { ingestDecisions, recordRejectedBatch } from "../decisions/ingest-decisions";
import type { IngestItem } from "../decisions/ingest-item";
import { findTooDeep } from "../decisions/read-ingest-body";
import { decodeJson, decodeProtobuf, encodeResponse, type ResourceLogs } from "./logs-data";
import { logRecordToDecision } from "./log-record-decision";
import { otlpFormat, readBoundedBody, type OtlpFormat } from "../decisions/read-bounded-body";
import { countNoun } from "../count-noun";

/** Most log records in one export request (the JS SDK's batch processor sends 512 by default). */
export const MAX_OTLP_RECORDS = 100_000;

export type OtlpResult = { accepted: number; duplicates: number; rejected: number; skipped: number; errorMessage: string };

/** Maps every record of a decoded request; `skipped` counts records that are not decisions. */
export function otlpItems(resourceLogs: ResourceLogs[], mapping: OpaMapping): { items: IngestItem[]; skipped: number } {
  const items: IngestItem[] = [];
  let skipped = 0;
  resourceLogs.forEach((rl, r) =>
    rl.scopeLogs.forEach((sl, s) =>
      sl.logRecords.forEach((record, l) => {
        const item = logRecordToDecision(record, rl, sl.scope, mapping, `$.resourceLogs[${r}].scopeLogs[${s}].logRecords[${l}]`);
        if (item === "skip") skipped++;
        else items.push(item);
      }),
    ),
  );
  return { items, skipped };
}

/**
 * POST /api/v1/otlp/v1/logs (OTLP/HTTP logs, protobuf or JSON, optionally gzip), authenticated
 * with the EP token as a bearer header. Every decision record is committed (or quarantined) before
 * the 200; quarantined records are reported as OTLP `partial_success.rejected_log_records` with the
 * first problem as `error_message` (OTLP senders must not retry those). Non-decision records are
 * counted on the EP and skipped. A request refused whole throws a StewardError (rendered as a
 * google.rpc.Status by the route) after keeping a bounded copy, as native ingest does.
 */
export async function handleOtlpLogsRequest(request: Request, ctx: Ctx): Promise<{ format: OtlpFormat; result: OtlpResult }> {
  if (ctx.actor.type !== "enforcement_point") throw new StewardError("forbidden", "Only an enforcement point's token may export logs");
  const format = otlpFormat(request.headers.get("content-type"));
  if (!format) throw new StewardError("unsupported_media_type", `Send Content-Type: application/x-protobuf or application/json (got "${request.headers.get("content-type") ?? "none"}")`);
  const enforcementPointId = ctx.actor.enforcementPointId;
  const tap = tapBody(request);
  let items: IngestItem[];
  let skipped: number;
  try {
    const bytes = await readBoundedBody(tap.request);
    let resourceLogs: ResourceLogs[];
    if (format === "protobuf") resourceLogs = decodeProtobuf(bytes);
    else {
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
      } catch (error) {
        throw new StewardError("bad_request", `The body is not valid UTF-8 JSON: ${(error as Error).message}`);
      }
      // The whole-body guard only bounds recursion; nesting is limited per record (quarantine).
      const tooDeep = findTooDeep(value, 1000, "$");
      if (tooDeep) throw new StewardError("bad_request", `Nesting deeper than 1000 levels at ${tooDeep}`, { path: tooDeep });
      resourceLogs = decodeJson(value);
    }
    const records = resourceLogs.reduce((sum, rl) => sum + rl.scopeLogs.reduce((inner, sl) => inner + sl.logRecords.length, 0), 0);
    if (records > MAX_OTLP_RECORDS) throw new StewardError("payload_too_large", `${records} log records in one request; send at most ${MAX_OTLP_RECORDS}`);
    const ep = await getEnforcementPointOrThrow(await getDb(), enforcementPointId);
    ({ items, skipped } = otlpItems(resourceLogs, OpaMapping.parse(ep.opaMapping ?? {})));
  } catch (error) {
    if (error instanceof StewardError) await recordRejectedBatch(enforcementPointId, `${error.status}: ${error.message}`, await tap.copy());
    throw error;
  }
  const result = items.length ? await ingestDecisions({ ctx, input: items }) : { accepted: 0, duplicates: 0, quarantined: [] };
  if (skipped) {
    try {
      await countSkippedRecords(await getDb(), enforcementPointId, skipped);
    } catch (error) {
      console.error("counting skipped OTLP records failed (the batch is committed)", error);
    }
  }
  const first = result.quarantined[0];
  const rejected = result.quarantined.length;
  return {
    format,
    result: { accepted: result.accepted, duplicates: result.duplicates, rejected, skipped, errorMessage: first ? `${countNoun(rejected, "log record")} quarantined; first: ${first.path}: ${first.message}` : "" },
  };
}

export const otlpResponseBody = (format: OtlpFormat, result: OtlpResult) => encodeResponse(format, result.rejected, result.errorMessage);

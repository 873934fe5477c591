import { readDb } from "../replica/read-db";
import { z } from "zod";
import { countDecisionsByBucket, getDecisionRecord, listDecisionPage, listQuarantine, listTraceRecords, type DecisionCursor, type DecisionRecord } from "@/db/decisions";
import { entityNames } from "@/db/entity-names";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { StewardError } from "../errors";
import { queryDateTime, sortParam } from "../http/query";
import { DecisionFilter } from "./filters";

const HOUR_MS = 3_600_000;
/** An RFC 3339 time (UTC when it names no offset); the page falls back to the default, the API answers 400. */
const lenientDate = queryDateTime.optional().catch(undefined);

/** The explorer's URL: filters, a time range (default: the last 24 hours), a page cursor. */
export const ExploreQuery = DecisionFilter.extend({
  from: lenientDate.describe("Start of the range, RFC 3339 (default 24 hours ago)"),
  to: lenientDate.describe("End of the range, RFC 3339 (default now)"),
  cursor: z.string().max(1000).optional().catch(undefined).describe("The `next` value of the previous page"),
  limit: z.coerce.number().int().min(1).max(500).default(50).catch(50),
  /** `-time` newest first (default), `time` oldest first; a cursor pages on in its own order. */
  sort: sortParam(["time"], "-time"),
});
export type ExploreQuery = z.infer<typeof ExploreQuery>;

const encodeCursor = (cursor: DecisionCursor) => Buffer.from(JSON.stringify([cursor.time, cursor.ep, cursor.id])).toString("base64url");
/** A cursor is [time, enforcement point id, decision id] as this server wrote it; anything else is refused whole. */
const CursorParts = z.tuple([z.iso.datetime(), z.string().regex(/^[\x21-\x7e]{1,200}$/), z.string().regex(/^[\x21-\x7e]{1,200}$/)]);
function decodeCursor(text: string): DecisionCursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    parts = null;
  }
  const parsed = CursorParts.safeParse(parts);
  if (!parsed.success) throw new StewardError("bad_request", 'Query parameter "cursor" is not a page cursor from this server; start again from the first page', { path: "?cursor" });
  const [time, ep, id] = parsed.data;
  return { time, ep, id };
}

export function resolveRange(query: Pick<ExploreQuery, "from" | "to">): { from: Date; to: Date } {
  const to = query.to ?? new Date();
  const from = query.from ?? new Date(to.getTime() - 24 * HOUR_MS);
  if (from >= to) throw new StewardError("invalid_input", "The range must start before it ends", { path: "from" });
  return { from, to };
}

/** A decision as the explorer lists it: the stored row with its agent's and enforcement point's names (null when unknown). */
export type NamedDecisionRecord = DecisionRecord & { agentName: string | null; enforcementPointName: string | null };

/** One page of decisions, newest first, each named (one batched name lookup per page, not per row). */
export async function exploreDecisions({ ctx, query }: { ctx: Ctx; query: ExploreQuery }): Promise<{ rows: NamedDecisionRecord[]; next: string | null; range: { from: Date; to: Date } }> {
  requirePermission(ctx.actor, "decisions.read");
  const range = resolveRange(query);
  const db = ctx.tx ?? (await readDb());
  const page = await listDecisionPage(db, { filter: query, ...range, limit: query.limit, sort: query.sort, cursor: query.cursor ? decodeCursor(query.cursor) : undefined });
  const names = await entityNames(db, { agent: page.rows.map((row) => row.agentId), enforcement_point: page.rows.map((row) => row.enforcementPointId) });
  const rows = page.rows.map((row) => ({ ...row, agentName: names.agent.get(row.agentId) ?? null, enforcementPointName: names.enforcement_point.get(row.enforcementPointId) ?? null }));
  return { rows, next: page.next ? encodeCursor(page.next) : null, range };
}

/** Buckets of one minute, widened so a long range still draws at most ~180 bars. */
export async function decisionRateChart({ ctx, query }: { ctx: Ctx; query: ExploreQuery }) {
  requirePermission(ctx.actor, "decisions.read");
  const range = resolveRange(query);
  const bucketSeconds = Math.max(60, Math.ceil((range.to.getTime() - range.from.getTime()) / 1000 / 180 / 60) * 60);
  const counts = await countDecisionsByBucket(ctx.tx ?? (await readDb()), { filter: query, ...range }, bucketSeconds);
  return { bucketSeconds, counts, range };
}

const idParam = z.string().trim().max(200).default("").catch("");
/** The decision page's URL: the key of one decision (the time narrows the search to one partition). */
export const DecisionKeyQuery = z.object({ ep: idParam, id: idParam, time: lenientDate });
/** The trace page's URL: a trace id or a task id. */
export const TraceQuery = z.object({ trace: idParam.transform((value) => value || undefined), task: idParam.transform((value) => value || undefined) });

export async function getDecision({ ctx, key }: { ctx: Ctx; key: { ep: string; id: string; time?: string } }): Promise<DecisionRecord> {
  requirePermission(ctx.actor, "decisions.read");
  const time = key.time ? queryDateTime.optional().catch(undefined).parse(key.time) : undefined;
  const row = await getDecisionRecord(ctx.tx ?? (await readDb()), { ep: key.ep, id: key.id, time });
  if (!row) throw new StewardError("not_found", `Decision ${key.id} of enforcement point ${key.ep} does not exist (or has passed retention)`);
  return row;
}

export type TraceNode = { decision: DecisionRecord; depth: number; children: TraceNode[] };

/**
 * All decisions of a trace (or task) as a tree: a decision hangs under the one whose span is its
 * parent span; without spans, under the latest earlier decision whose delegation chain is one hop shorter.
 */
export async function getDecisionTrace({ ctx, key }: { ctx: Ctx; key: { traceId?: string; taskId?: string } }): Promise<TraceNode[]> {
  requirePermission(ctx.actor, "decisions.read");
  if (!key.traceId && !key.taskId) throw new StewardError("invalid_input", "Name a trace or a task", { path: "trace" });
  const rows = await listTraceRecords(ctx.tx ?? (await readDb()), key);
  return buildTraceTree(rows);
}

export function buildTraceTree(rows: DecisionRecord[]): TraceNode[] {
  const nodes = rows.map((decision): TraceNode => ({ decision, depth: 0, children: [] }));
  const bySpan = new Map(nodes.filter((node) => node.decision.spanId).map((node) => [node.decision.spanId!, node]));
  const roots: TraceNode[] = [];
  nodes.forEach((node, index) => {
    let parent = node.decision.parentSpanId ? bySpan.get(node.decision.parentSpanId) : undefined;
    if (!parent && !node.decision.parentSpanId) {
      const hops = node.decision.delegation?.length ?? 0;
      parent = hops > 1 ? nodes.slice(0, index).findLast((candidate) => (candidate.decision.delegation?.length ?? 0) === hops - 1) : undefined;
    }
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  });
  const setDepth = (node: TraceNode, depth: number, seen: Set<TraceNode>) => {
    if (seen.has(node)) return;
    seen.add(node);
    node.depth = depth;
    node.children.forEach((child) => setDepth(child, depth + 1, seen));
  };
  const seen = new Set<TraceNode>();
  roots.forEach((root) => setDepth(root, 0, seen));
  return roots;
}

export const QuarantineQuery = z.object({ ep: z.string().max(200).optional().catch(undefined), before: z.coerce.number().int().positive().optional().catch(undefined), limit: z.coerce.number().int().min(1).max(10_000).default(100).catch(100) });

export async function listQuarantinedItems({ ctx, query }: { ctx: Ctx; query: z.infer<typeof QuarantineQuery> }) {
  requirePermission(ctx.actor, "decisions.read");
  return listQuarantine(ctx.tx ?? (await readDb()), { ep: query.ep, limit: query.limit, beforeSeq: query.before });
}

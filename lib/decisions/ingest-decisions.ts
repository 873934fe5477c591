import { hash } from "node:crypto";
import { getDatabase, type DatabaseHandle } from "@/db/client";
import { lateDecisionsStatement } from "@/db/activity";
import { markEnforcementPointRejected, markEnforcementPointSeen } from "@/db/enforcement-points";
import {
  claimDecisionKeys,
  findAgentIds,
  ensureDecisionPartitions,
  insertDecisionsStatement,
  insertQuarantine,
  insertQuarantineStatement,
  notifyDecisionBatchStatement,
  resolveAgents,
  storedContentHashes,
  touchAgentsSeen,
  type DecisionRow,
  type QuarantineRow,
} from "@/db/ingest";
import { withRawTransaction, type RawQuery } from "@/db/raw-sql";
import { canonicalJson } from "../audit/canonical-json";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { judgeDestructive } from "./destructive-action";
import { formatIssuePath, StewardError } from "../errors";
import { newId } from "../ids";
import { getSettings } from "../settings/settings";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { scheduleDecisionMaintenance } from "./partition-maintenance";
import { feedOrigin, hasFeedListeners, publishDecisions, type BatchNotice } from "./feed";
import { INGEST_LIMITS } from "./read-ingest-body";
import { sourcePath, type IngestItem, type SourceOrigin } from "./ingest-item";
import { wakeJob } from "../jobs/wake";
import { preciseUtc } from "./precise-time";
import { findUnstorableText, toStorableText, UNSTORABLE_TEXT_MESSAGE } from "./storable-text";
import { DecisionInput, type DecisionSummary, type IngestResult, type QuarantinedItem } from "./schemas";

const DAY_MS = 86_400_000;
/** A decision from further ahead than this is a broken clock, not a decision. */
const MAX_FUTURE_MS = DAY_MS;
const RETENTION_CACHE_MS = 30_000;

/** "Last seen" moves at most this often (the SQL throttles the same way), so a busy sender costs no round trip per batch. */
const AGENT_SEEN_EVERY_MS = 60_000;
const ENFORCEMENT_POINT_SEEN_EVERY_MS = 2_000;

type IngestCache = {
  partitionDays: Set<string>;
  retention?: { days: number; at: number };
  agentSeenAt: Map<string, number>;
  enforcementPointSeen: Map<string, { at: number; revision: string | null }>;
};
const holder = globalThis as typeof globalThis & { __stewardIngest?: IngestCache };
const cache: IngestCache = (holder.__stewardIngest ??= { partitionDays: new Set(), agentSeenAt: new Map(), enforcementPointSeen: new Map() });

async function retentionDays(): Promise<number> {
  if (!cache.retention || Date.now() - cache.retention.at > RETENTION_CACHE_MS) cache.retention = { days: (await getSettings()).decisionRetentionDays, at: Date.now() };
  return cache.retention.days;
}

// One-shot hashing: several times cheaper than createHash per item on a 1,000-item batch.
const sha256 = (text: string) => hash("sha256", text, "hex");
const dayOf = (iso: string) => iso.slice(0, 10);
const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

async function ensurePartitionsFor(handle: DatabaseHandle, times: string[]): Promise<void> {
  const days = [...new Set(times.map(dayOf))].filter((day) => !cache.partitionDays.has(day)).sort();
  if (!days.length) return;
  await ensureDecisionPartitions(handle, days[0]!, days.at(-1)!);
  for (const day of days) cache.partitionDays.add(day);
}

type Valid = { index: number; input: DecisionInput; time: string; hash: string; contextJson: string | undefined; origin?: SourceOrigin };

function validate(items: IngestItem[], window: { earliest: number; latest: number; retentionDays: number }) {
  const valid: Valid[] = [];
  const quarantine: QuarantineRow[] = [];
  const reject = (index: number, rawText: string, path: string, messageText: string, decisionId: string | null, reason: QuarantineRow["reason"] = "invalid") => {
    const [raw, message] = [toStorableText(rawText), toStorableText(messageText)];
    quarantine.push({ decisionId: decisionId === null ? null : toStorableText(decisionId), reason, path: toStorableText(path), message, raw, rawHash: sha256(`${raw}\n${message}`), batchIndex: index });
  };
  items.forEach((item, index) => {
    if (item.parseError !== undefined) return reject(index, item.raw, item.path ?? `$[${index}]`, item.parseError, null);
    const rawId = (item.value as { id?: unknown } | null)?.id;
    const decisionId = typeof rawId === "string" ? rawId.slice(0, 200) : null;
    // A translated item is quarantined as its sender sent it, at the sender's field; a native one
    // as canonical (key-sorted) text, only computed for what goes to quarantine.
    const origin = item.origin;
    const refuse = (issuePath: PropertyKey[], message: string) =>
      reject(index, origin ? origin.raw() : canonicalJson(item.value), origin ? sourcePath(origin, issuePath) : formatIssuePath([index, ...issuePath]), message, decisionId);
    const parsed = DecisionInput.safeParse(item.value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return refuse(issue.path, issue.message);
    }
    const input = parsed.data;
    const unstorable = findUnstorableText(input);
    if (unstorable) return refuse(unstorable, UNSTORABLE_TEXT_MESSAGE);
    const millis = Date.parse(input.time);
    if (!(millis >= window.earliest && millis <= window.latest)) {
      return refuse(["time"], `${input.time} is outside the accepted window: at most ${window.retentionDays} days old (the retention period) and at most 24 hours ahead`);
    }
    const contextJson = input.context === undefined ? undefined : JSON.stringify(input.context);
    if (contextJson !== undefined && Buffer.byteLength(contextJson) > INGEST_LIMITS.maxContextBytes) {
      return refuse(["context"], `context is larger than ${INGEST_LIMITS.maxContextBytes / 1024} KiB`);
    }
    // zod's output lists the known fields in schema order, so a retry re-serialised by another
    // client library still hashes the same; free JSON (context, request) is compared as sent.
    valid.push({ index, input, time: preciseUtc(input.time, millis), hash: sha256(JSON.stringify(input)), contextJson, origin });
  });
  return { valid, quarantine };
}

function toRow(item: Valid, agentId: string): DecisionRow {
  const d = item.input;
  return {
    decisionId: d.id,
    time: item.time,
    agentId,
    agentRef: d.agent.id,
    spiffeId: d.agent.spiffe_id ?? null,
    clientId: d.agent.client_id ?? null,
    actionName: d.action.name,
    actionKind: d.action.kind ?? null,
    resourceType: d.resource.type,
    resourceId: d.resource.id,
    resourceProperties: json(d.resource.properties),
    destination: d.destination ?? null,
    outcome: d.outcome,
    reasons: JSON.stringify(d.reasons ?? []),
    policyRevision: d.policy_revision ?? null,
    taskId: d.task_id ?? null,
    traceId: d.trace_id ?? null,
    spanId: d.span_id ?? null,
    parentSpanId: d.parent_span_id ?? null,
    delegation: d.delegation ? JSON.stringify(d.delegation.map((hop) => (typeof hop === "string" ? hop : hop.id))) : null,
    request: json(d.request),
    latencyMs: d.latency_ms ?? null,
    context: item.contextJson ?? null,
    contentHash: item.hash,
    destructive: judgeDestructive({ actionName: d.action.name, resourceId: d.resource.id, context: d.context, resourceProperties: d.resource.properties }),
  };
}

const toSummary = (enforcementPointId: string, receivedAt: string, row: DecisionRow, reasons: string[]): DecisionSummary => ({
  enforcementPointId,
  decisionId: row.decisionId,
  time: row.time,
  receivedAt,
  agentId: row.agentId,
  agentRef: row.agentRef,
  actionName: row.actionName,
  actionKind: row.actionKind,
  resourceType: row.resourceType,
  resourceId: row.resourceId,
  outcome: row.outcome as DecisionSummary["outcome"],
  reasons,
  traceId: row.traceId,
  taskId: row.taskId,
  spanId: row.spanId,
  parentSpanId: row.parentSpanId,
});

/**
 * Records a batch from the calling enforcement point. Everything — new decisions, discovered
 * agents, quarantined items — commits in one transaction before this returns, so a 2xx always
 * means committed. Exact retries count as duplicates; an id re-used with other content, and any
 * invalid item, goes to quarantine with the raw item and the reason.
 */
export async function ingestDecisions({ ctx, input, alsoInTransaction }: { ctx: Ctx; input: IngestItem[]; alsoInTransaction?: (query: RawQuery) => Promise<void> }): Promise<IngestResult> {
  requirePermission(ctx.actor, "decisions.ingest");
  if (ctx.actor.type !== "enforcement_point") throw new StewardError("forbidden", "Only an enforcement point's token may send decisions");
  const enforcementPointId = ctx.actor.enforcementPointId;
  const handle = await getDatabase();
  scheduleDecisionMaintenance();
  const days = await retentionDays();
  const now = Date.now();
  const { valid, quarantine } = validate(input, { earliest: now - days * DAY_MS, latest: now + MAX_FUTURE_MS, retentionDays: days });

  // Within one batch: a repeat with the same content is a duplicate, with other content a conflict.
  const firstById = new Map<string, Valid>();
  let duplicates = 0;
  for (const item of valid) {
    const first = firstById.get(item.input.id);
    if (!first) firstById.set(item.input.id, item);
    else if (first.hash === item.hash) duplicates++;
    else quarantine.push(conflict(item, `$[${item.index}].id`));
  }
  const candidates = [...firstById.values()].sort((a, b) => (a.input.id < b.input.id ? -1 : a.input.id > b.input.id ? 1 : 0));
  await ensurePartitionsFor(handle, candidates.map((item) => item.time));

  const write = () =>
    withRawTransaction(handle, async (query, together, finish) => {
      const batchQuarantine = [...quarantine];
      let batchDuplicates = duplicates;
      // People are recorded as person:<id> and never become discovered agents.
      const isPerson = (item: Valid) => item.input.agent.kind === "person";
      const refsOf = (items: Valid[]) => [...new Map(items.filter((item) => !isPerson(item)).map((item) => [item.input.agent.id, { ref: item.input.agent.id, spiffeId: item.input.agent.spiffe_id ?? null, clientId: item.input.agent.client_id ?? null, name: item.input.agent.name ?? null }])).values()];
      // One round trip: the caller's own writes that must commit with these decisions or not at all
      // (the token service's issued token beside its issuance decision; a throw rolls back everything),
      // the keys' claim, and the lookup of every candidate's agent (a read: what it finds for an item
      // that turns out to be a retry is not used).
      const [, { claimed, receivedAt }, knownAgents] = await together(
        async () => {
          if (alsoInTransaction) await alsoInTransaction(query);
        },
        () => claimDecisionKeys(query, enforcementPointId, candidates.map((item) => ({ decisionId: item.input.id, contentHash: item.hash, time: item.time }))),
        () => findAgentIds(query, refsOf(candidates)),
      );
      const unclaimed = candidates.filter((item) => !claimed.has(item.input.id));
      const stored = await storedContentHashes(query, enforcementPointId, unclaimed.map((item) => item.input.id));
      for (const item of unclaimed) {
        if (stored.get(item.input.id) === item.hash) batchDuplicates++;
        else batchQuarantine.push(conflict(item, `$[${item.index}].id`));
      }
      const fresh = candidates.filter((item) => claimed.has(item.input.id));
      const { resolved: agentIds, createdIds } = await resolveAgents(query, refsOf(fresh), () => newId("agt"), new Date(now).toISOString(), knownAgents);
      const rows = fresh.map((item) => toRow(item, isPerson(item) ? `person:${item.input.agent.id}` : agentIds.get(item.input.agent.id)!));
      // With the COMMIT, one round trip again: the rows, the late days' marks (their closed days'
      // rollups are recomputed), the quarantine and the feed's NOTIFY (delivered at commit).
      const times = rows.map((row) => row.time).sort();
      const notice: BatchNotice | null = rows.length && handle.kind === "postgres" ? { origin: feedOrigin(), enforcementPointId, receivedAt, firstTime: times[0]!, lastTime: times.at(-1)!, count: rows.length } : null;
      await finish(
        insertDecisionsStatement(enforcementPointId, receivedAt, rows),
        lateDecisionsStatement(times),
        insertQuarantineStatement(enforcementPointId, batchQuarantine),
        notice && notifyDecisionBatchStatement(JSON.stringify(notice)),
      );
      return { rows, fresh, receivedAt, batchQuarantine, batchDuplicates, createdIds };
    });

  let result: Awaited<ReturnType<typeof write>>;
  try {
    result = await write();
  } catch (error) {
    // A retention run may have dropped a partition this process still believed in.
    if ((error as { code?: string }).code !== "23514") throw error;
    cache.partitionDays.clear();
    await ensurePartitionsFor(handle, candidates.map((item) => item.time));
    result = await write();
  }

  // Committed: outbound delivery sends them now rather than at its next idle run (a wake is not awaited),
  // unless its last run here had no destination to send to.
  if (result.rows.length) wakeJob("outbound-delivery", { unlessQuiet: true });
  // Not awaited: the response does not wait for the feed's name lookup.
  if (hasFeedListeners()) void publishDecisions(result.rows.map((row, index) => toSummary(enforcementPointId, result.receivedAt, row, result.fresh[index]!.input.reasons ?? [])));
  const quarantined: QuarantinedItem[] = result.batchQuarantine.map((row) => ({ index: row.batchIndex, path: row.path, message: row.message })).sort((a, b) => a.index - b.index);
  await afterCommit(handle, enforcementPointId, result.rows, quarantined, input.length, result.createdIds);
  return { accepted: result.rows.length, duplicates: result.batchDuplicates, quarantined };
}

function conflict(item: Valid, path: string): QuarantineRow {
  const raw = item.origin ? item.origin.raw() : canonicalJson(item.input);
  if (item.origin) path = sourcePath(item.origin, ["id"]);
  const message = `Decision id ${item.input.id} was already recorded with different content`;
  return { decisionId: item.input.id, reason: "conflict", path, message, raw, rawHash: sha256(`${raw}\n${message}`), batchIndex: item.index };
}

/** Bookkeeping after the commit; it must never turn a committed batch into an error response. */
async function afterCommit(handle: DatabaseHandle, enforcementPointId: string, rows: DecisionRow[], quarantined: QuarantinedItem[], received: number, discoveredAgentIds: string[]) {
  try {
    const revision = rows.findLast((row) => row.policyRevision)?.policyRevision ?? null;
    if (quarantined.length) {
      const first = quarantined[0]!;
      await markEnforcementPointRejected(handle.db, enforcementPointId, `${quarantined.length} of ${received} items quarantined; first: ${first.path}: ${first.message}`);
    }
    const now = Date.now();
    const seen = cache.enforcementPointSeen.get(enforcementPointId);
    if (!seen || now - seen.at > ENFORCEMENT_POINT_SEEN_EVERY_MS || (revision && revision !== seen.revision)) {
      await markEnforcementPointSeen(handle.db, enforcementPointId, revision);
      cache.enforcementPointSeen.set(enforcementPointId, { at: now, revision: revision ?? seen?.revision ?? null });
    }
    const staleAgents = [...new Set(rows.map((row) => row.agentId))].filter((agentId) => now - (cache.agentSeenAt.get(agentId) ?? 0) > AGENT_SEEN_EVERY_MS);
    if (staleAgents.length) {
      await touchAgentsSeen(handle, staleAgents, new Date(now).toISOString());
      for (const agentId of staleAgents) cache.agentSeenAt.set(agentId, now);
      if (cache.agentSeenAt.size > 100_000) cache.agentSeenAt.clear();
    }
    // A newly discovered agent is a finding (shadow, orphaned) from its first decision on.
    if (discoveredAgentIds.length) await handle.db.transaction((tx) => refreshFindingsForAgents(tx, discoveredAgentIds));
  } catch (error) {
    console.error("ingest bookkeeping failed (the batch is committed)", error);
  }
}

/**
 * Records why a whole request was refused, for the EP list's "last rejected batch", and keeps a
 * bounded copy of what was sent (see body-copy.ts) in quarantine (reason `rejected`, path `$`).
 */
export async function recordRejectedBatch(enforcementPointId: string, reason: string, copy?: string): Promise<void> {
  try {
    const handle = await getDatabase();
    await markEnforcementPointRejected(handle.db, enforcementPointId, reason);
    if (copy !== undefined) {
      const [raw, message] = [toStorableText(copy), toStorableText(`Request refused whole: ${reason}`)];
      await withRawTransaction(handle, (query) => insertQuarantine(query, enforcementPointId, [{ decisionId: null, reason: "rejected", path: "$", message, raw, rawHash: sha256(`${raw}\n${message}`), batchIndex: -1 }]));
    }
  } catch {
    // The database may be the reason; the client already gets the error.
  }
}
